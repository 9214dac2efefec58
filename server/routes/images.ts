import { Elysia } from "elysia";
import { imagePrice, maxImagePrice, unitsCost } from "../billing/media-prices.ts";
import { lookup, num, obj, objs, str } from "../core/wire-json.ts";
import { capInt, IMAGE_ALIASES, refuseAliases, withinLimit } from "../dialects/openai-media/bounds.ts";
import { ImagesEditRequest, ImagesGenerateRequest } from "../dialects/openai-media/schema.ts";
import { badRequest } from "../errors.ts";
import type { CallServices, MeterServices } from "../gateway/call-services.ts";
import type { MediaPrepared } from "../gateway/client-call.ts";
import { clientHandler } from "../gateway/client-route.ts";
import type { MediaMeter } from "../gateway/media-call.ts";
import { providerFor } from "../providers/registry.ts";
import type { Write } from "../store/writes.ts";
import { serveImageLink } from "./media-content.ts";

type ImagesRequest = ImagesGenerateRequest | ImagesEditRequest;

const MIME: Record<string, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  webp: "image/webp",
};

/**
 * Images billed per image by size and quality: reserved as n x the price (the dearest
 * price the upstream could choose when the size or quality is "auto" or unset), charged
 * for the images the upstream returned at the size and quality it reports. The count is
 * always forwarded (`n`, 1 when unset), within the model's `max_images`. `url` answers are
 * rewritten to gateway links (a provider URL may carry its credentials); `b64_json` passes
 * through.
 */
export function imagesMeter(
  gw: MeterServices,
  op: "generations" | "edits",
  req: ImagesRequest,
  multipart: boolean,
): MediaMeter {
  refuseAliases(req, IMAGE_ALIASES);
  const n = req.n ?? 1;
  const quality = req.quality && req.quality !== "auto" ? req.quality : null;
  const size = req.size && req.size !== "auto" ? req.size : null;
  let reservedEach = 0;
  return {
    capability: "images",
    reserve(model) {
      withinLimit(n, capInt(model, "max_images", 10), "n", "The number of images (n)");
      const each =
        size && quality
          ? imagePrice(model.mediaPrices, size, quality)
          : maxImagePrice(model.mediaPrices, quality, size);
      if (each === null)
        throw badRequest(
          `The model '${model.id}' has no image price${size ? ` for size ${size}` : ""}${quality ? ` and quality ${quality}` : ""}: it does not generate images, or not at this size.`,
          size ? "size" : "model",
          "image_price_missing",
        );
      reservedEach = each;
      return unitsCost(each, n);
    },
    async run(target, ctx) {
      const res = await providerFor(target.provider.kind).images!({
        requestId: ctx.requestId,
        target,
        signal: ctx.signal,
        op,
        // The count reserved for, always explicit: the upstream never picks its own.
        body: { ...req, n },
        multipart,
      });
      const body = { ...res.body };
      const data = objs(body.data).map((d) => ({ ...d }));
      const writes: Write[] = [];
      const now = Date.now();
      const mime = lookup(MIME, str(req.output_format) ?? str(body.output_format) ?? "png") ?? "image/png";
      for (const d of data) {
        if (typeof d.url !== "string") continue;
        const link = gw.media.create({
          kind: "image",
          accountId: ctx.key.accountId,
          keyId: ctx.key.id,
          requestId: ctx.requestId,
          providerId: target.provider.id,
          upstreamRef: d.url,
          mimeType: mime,
          now,
          ttlMs: gw.settings.mediaLinkTtlMs,
        });
        d.url = `${ctx.origin}/v1/images/${link.id}/content`;
        writes.push(link.write);
      }
      body.data = data;
      if (writes.length > 0) await gw.commits.enqueue(writes);
      // The price of what the upstream reports it made (a price the table lacks: the one reserved).
      const each =
        imagePrice(ctx.model.mediaPrices, str(body.size) ?? size, str(body.quality) ?? quality) ??
        reservedEach;
      const usage = obj(body.usage);
      return {
        body: JSON.stringify(body),
        cost: unitsCost(each, data.length),
        usage: {
          inputTokens: num(usage?.input_tokens) ?? 0,
          cachedTokens: 0,
          outputTokens: num(usage?.output_tokens) ?? 0,
        },
        source: "upstream",
      };
    },
  };
}

function prepare(gw: MeterServices, op: "generations" | "edits") {
  return (body: ImagesRequest, _size: number, multipart = false): MediaPrepared => {
    if (body.stream === true)
      throw badRequest(
        "Streaming image generation (stream: true) is not supported by this gateway.",
        "stream",
        "unsupported_feature",
      );
    return { modelId: body.model, media: imagesMeter(gw, op, body, multipart) };
  };
}

const detail = (summary: string) => ({
  detail: {
    summary,
    tags: ["OpenAI"],
    description: "OpenAI images request; see https://platform.openai.com/docs/api-reference/images",
  },
});

/** `POST /v1/images/generations`, `POST /v1/images/edits` and the image links they hand out. */
export const imagesRoutes = (gw: CallServices) =>
  new Elysia({ name: "openai-images" })
    .post(
      "/v1/images/generations",
      clientHandler(gw, () => ({
        endpoint: "images.generations",
        schema: ImagesGenerateRequest,
        prepare: prepare(gw, "generations"),
      })),
      { parse: "none", ...detail("Generate images, billed per image by size and quality") },
    )
    .post(
      "/v1/images/edits",
      clientHandler(gw, (request) => {
        const multipart = (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/");
        const p = prepare(gw, "edits");
        return {
          endpoint: "images.edits",
          schema: ImagesEditRequest,
          body: "json-or-form" as const,
          prepare: (body: ImagesEditRequest, size: number) => p(body, size, multipart),
        };
      }),
      { parse: "none", ...detail("Edit images (multipart upload or JSON image URLs), billed per image") },
    )
    .get("/v1/images/:id/content", ({ params, request }) => serveImageLink(gw, params.id, request.signal), {
      detail: { summary: "Download a generated image (the link expires: 410 after)", tags: ["OpenAI"] },
    });
