import { Elysia } from "elysia";
import type { ModelRecord } from "../catalog/catalog.ts";
import { featuresOf, unsupportedFeature } from "../core/features.ts";
import { JsonBody } from "../core/json-body.ts";
import { coreCounter, dialectCodec, lazyCore } from "../dialects/dialect-codec.ts";
import { generateBounds, generateInputBound } from "../dialects/gemini/bounds.ts";
import { isGenerateRequest } from "../dialects/gemini/check-request.ts";
import { decodeGenerateRequest } from "../dialects/gemini/decode-request.ts";
import { GeminiFraming } from "../dialects/gemini/encode-response.ts";
import { renderGoogleError } from "../dialects/gemini/error.ts";
import { field } from "../dialects/gemini/fields.ts";
import { geminiSurface } from "../dialects/gemini/index.ts";
import { geminiPassThrough } from "../dialects/gemini/pass-through.ts";
import { GenerateRequest } from "../dialects/gemini/schema.ts";
import { notFound } from "../errors.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { clientCall, resolveModel } from "../gateway/client-call.ts";
import { clientText, parseJsonBody, readBody } from "../http/body.ts";
import { authenticateClient } from "../http/client-auth.ts";
import type { ErrorSurface } from "../http/error-hook.ts";
import { decodePathParam } from "../http/path-param.ts";
import { currentRequestId } from "../http/request-id.ts";
import { queryParam } from "../http/request-target.ts";
import { admitUnbilled } from "../limits/admission.ts";
import { AUTO_MODEL } from "../routing/auto.ts";
import { imageTokenBound } from "../tokens/count.ts";

type Ctx = { request: Request; set: { headers: Record<string, unknown> } };

function generateSpec(model: string, stream: boolean, sse: boolean) {
  /** `forward` is the client's text (the fast path), or null to send the validated value. */
  const prepared = (sent: GenerateRequest, rawLength: number, forward: JsonBody | null) => {
    // Refused up front, pass-through included: a server-side cache's tokens are outside the
    // byte bound of the body, so no reservation could cover them. Google's proto-JSON reads
    // the snake_case name too.
    if (field(sent, "cachedContent") !== undefined)
      throw unsupportedFeature("server-side cached content (cachedContent)", "this gateway", "cachedContent");
    // Validated before anything is reserved; the body forwarded carries exactly these bounds:
    // the client's text gets the one generationConfig bounds.ts made of its spellings.
    const { bounds, body } = generateBounds(sent);
    const inbound = !forward
      ? JsonBody.of(body)
      : body === sent
        ? forward
        : forward.with({ generation_config: undefined, generationConfig: body.generationConfig });
    const framing = new GeminiFraming(sse);
    const surface = geminiSurface(framing);
    const core = lazyCore(() => surface.decodeRequest({ ...body, model, stream }));
    return {
      modelId: model,
      stream,
      inbound: { dialect: "gemini" as const, body: inbound },
      core,
      requestedMaxTokens: bounds.maxTokens,
      choices: bounds.choices,
      ...(model === AUTO_MODEL ? { features: featuresOf(core()) } : {}),
      inputBound: (model: ModelRecord) => generateInputBound(rawLength, body, imageTokenBound(model)),
      codec: dialectCodec({
        surface,
        passThrough: geminiPassThrough(core, body, framing, model),
        publicModel: model,
        includeUsage: true,
      }),
    };
  };
  return {
    endpoint: stream ? "gemini.streamGenerateContent" : "gemini.generateContent",
    schema: GenerateRequest,
    /** The pass-through path: the schema by hand (check-request.ts), the client's text kept to forward. */
    fast(parsed: Record<string, unknown>, raw: string, rawLength: number) {
      const text = isGenerateRequest(parsed) ? clientText(raw, parsed) : null;
      return text && prepared(parsed as GenerateRequest, rawLength, text);
    },
    prepare: (sent: GenerateRequest, rawLength: number) => prepared(sent, rawLength, null),
  };
}

async function generate(gw: CallServices, ctx: Ctx, model: string, stream: boolean): Promise<Response> {
  const sse = queryParam(ctx.request.url, "alt") === "sse";
  const res = await clientCall(
    gw,
    {
      request: ctx.request,
      headers: ctx.set.headers as Record<string, string>,
      requestId: currentRequestId(ctx.set.headers),
    },
    generateSpec(model, stream, sse),
  );
  if (!stream || sse) return res;
  // Without alt=sse Google streams one JSON array: same bytes path, JSON content type.
  const headers = new Headers(res.headers);
  headers.set("content-type", "application/json; charset=UTF-8");
  return new Response(res.body, { status: res.status, headers });
}

async function countTokens(gw: CallServices, ctx: Ctx, model: string) {
  const key = authenticateClient(gw, ctx.request);
  const rate = admitUnbilled(gw.limiter, key, Date.now());
  Object.assign(ctx.set.headers, rate instanceof Promise ? await rate : rate);
  const body = parseJsonBody(await readBody(ctx.request, gw.settings.bodyLimitBytes), GenerateRequest);
  resolveModel(gw, key, model);
  return { totalTokens: coreCounter(() => decodeGenerateRequest({ ...body, model }), body)() };
}

/** Gemini methods by name, as in `models/{model}:{method}`. */
export type GeminiMethod = (gw: CallServices, ctx: Ctx, model: string) => Promise<unknown>;

/** A Map, not an object literal: `:constructor` or `:__proto__` must not find a handler. */
export const GEMINI_METHODS: ReadonlyMap<string, GeminiMethod> = new Map<string, GeminiMethod>([
  ["generateContent", (gw, ctx, model) => generate(gw, ctx, model, false)],
  ["streamGenerateContent", (gw, ctx, model) => generate(gw, ctx, model, true)],
  ["countTokens", countTokens],
]);

/** `models/<id>:<method>`; ids may contain slashes (`google/gemini-3-pro-image`). */
function splitTarget(tail: string): { model: string; method: string } {
  const path = decodePathParam(tail, "model");
  const i = path.lastIndexOf(":");
  return i === -1 ? { model: path, method: "" } : { model: path.slice(0, i), method: path.slice(i + 1) };
}

/** Errors on the Gemini API paths in Google's shape: /v1beta/... and the v1 `models/{model}:{method}`. */
export const geminiErrors: ErrorSurface = {
  shape: "google",
  owns: (path) => path.startsWith("/v1beta/") || /^\/v1\/models\/.+:[A-Za-z]+$/.test(path),
  render: renderGoogleError,
};

/**
 * The Gemini API surface: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (`?alt=sse` for SSE, else a streamed JSON array),
 * `:countTokens`; also under `/v1/v1beta` (a base URL ending in /v1) and `/v1/models`
 * (the SDK's apiVersion v1). Keys: `x-goog-api-key`, `?key=` or Bearer.
 */
export const geminiRoutes = (gw: CallServices) => {
  const app = new Elysia({ name: "gemini" });
  for (const prefix of ["/v1beta/models", "/v1/v1beta/models", "/v1/models"]) {
    app.post(
      `${prefix}/*`,
      (ctx) => {
        const { model, method } = splitTarget(ctx.params["*"]);
        const handler = GEMINI_METHODS.get(method);
        if (!handler)
          throw notFound(
            `Unknown Gemini method '${method.slice(0, 64)}' for model '${model.slice(0, 256)}'.`,
            "unknown_method",
          );
        return handler(gw, ctx, model);
      },
      {
        parse: "none",
        detail: {
          summary: "Gemini generateContent / streamGenerateContent / countTokens",
          tags: ["Gemini"],
          description: "Gemini API request; see https://ai.google.dev/api/generate-content",
        },
      },
    );
  }
  return app;
};
