import { Elysia } from "elysia";
import type { ModelRecord } from "../../catalog/catalog.ts";
import { featuresOf } from "../../core/features.ts";
import type { SurfaceDialectCodec } from "../../core/translate.ts";
import type { GatewayError } from "../../errors.ts";
import { clientHandler, V1_PREFIXES } from "../../gateway/client-route.ts";
import { coreCounter, dialectCodec, lazyCore } from "../../gateway/dialect-codec.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { AUTO_MODEL } from "../../routing/auto.ts";
import { imageTokenBound } from "../../tokens/count.ts";
import { openaiErrorBody } from "./error.ts";
import { responsesBounds } from "./responses-bounds.ts";
import { assertStateless, decodeResponsesRequest } from "./responses-decode.ts";
import { encodeResponsesResponse, itemId } from "./responses-encode.ts";
import { ResponsesRequest } from "./responses-schema.ts";
import { responsesStreamEncoder } from "./responses-stream.ts";
import { responsesPassThrough } from "./responses-tap.ts";
import { ResponsesTools } from "./responses-tools.ts";

/** A stream that broke ends with response.failed (what Codex and the SDKs read). */
function failedEvent(err: GatewayError): Uint8Array {
  const e = openaiErrorBody(err).error;
  const data = {
    type: "response.failed",
    sequence_number: 0,
    response: {
      id: itemId("resp"),
      object: "response",
      status: "failed",
      output: [],
      error: { code: e.code, message: e.message },
    },
  };
  return new TextEncoder().encode(`event: response.failed\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Byte bound with each input image's URL (or data URL) replaced by a per-image bound. */
function inputBound(bodyBytes: number, body: ResponsesRequest, imageBound: number): number {
  let bound = bodyBytes;
  if (Array.isArray(body.input))
    for (const it of body.input) {
      const parts =
        (it as { content?: unknown; output?: unknown }).content ?? (it as { output?: unknown }).output;
      if (!Array.isArray(parts)) continue;
      for (const p of parts as { type?: unknown; image_url?: unknown }[])
        if (p?.type === "input_image") {
          if (typeof p.image_url === "string") bound -= p.image_url.length;
          bound += imageBound;
        }
    }
  return Math.max(bound, 1);
}

function responsesSpec() {
  return {
    endpoint: "responses",
    schema: ResponsesRequest,
    prepare(body: ResponsesRequest, rawLength: number) {
      const tools = new ResponsesTools();
      assertStateless(body);
      const bounds = responsesBounds(body);
      // Decoding registers the request's tool kinds, which the encoders need: a translating
      // provider decodes before any answer comes back.
      const core = lazyCore(() => decodeResponsesRequest(body, tools));
      const surface: SurfaceDialectCodec<ResponsesRequest> = {
        dialect: "openai-responses",
        decodeRequest: (b) => decodeResponsesRequest(b, tools),
        encodeResponse: (res, ctx) => encodeResponsesResponse(res, ctx, tools),
        streamEncoder: (ctx) => responsesStreamEncoder(ctx, tools),
      };
      return {
        modelId: body.model,
        stream: body.stream === true,
        inbound: { dialect: "openai-responses" as const, body },
        core,
        requestedMaxTokens: bounds.maxTokens,
        choices: bounds.choices,
        ...(body.model === AUTO_MODEL ? { features: featuresOf(core()) } : {}),
        inputBound: (model: ModelRecord) => inputBound(rawLength, body, imageTokenBound(model)),
        codec: dialectCodec({
          surface,
          passThrough: responsesPassThrough(coreCounter(core, body), failedEvent, body.model),
          publicModel: body.model,
          includeUsage: true,
        }),
      };
    },
  };
}

/**
 * `POST /v1/responses` (and `/v1/v1/responses`): the OpenAI Responses API, stateless.
 * An `openai` provider with `responses_api: true` takes it as it is; every other
 * provider answers through the canonical model. `previous_response_id` is refused with a
 * 400 (nothing is stored).
 */
export const responsesRoutes = (gw: Gateway) => {
  const app = new Elysia({ name: "openai-responses" });
  for (const prefix of V1_PREFIXES)
    app.post(`${prefix}/responses`, clientHandler(gw, responsesSpec), {
      parse: "none",
      detail: {
        summary: "Create a response (OpenAI Responses API, JSON or SSE; stateless)",
        tags: ["OpenAI"],
        description: "See https://platform.openai.com/docs/api-reference/responses",
      },
    });
  return app;
};
