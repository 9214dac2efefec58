import { Elysia } from "elysia";
import type { ModelRecord } from "../catalog/catalog.ts";
import { featuresOf } from "../core/features.ts";
import { JsonBody } from "../core/json-body.ts";
import { dialectCodec, lazyCore } from "../dialects/dialect-codec.ts";
import { responsesBounds, responsesInputBound } from "../dialects/openai-responses/bounds.ts";
import { isResponsesRequest } from "../dialects/openai-responses/check-request.ts";
import { assertStateless, decodeResponsesRequest } from "../dialects/openai-responses/decode-request.ts";
import { responsesSurface } from "../dialects/openai-responses/index.ts";
import { responsesPassThrough } from "../dialects/openai-responses/pass-through.ts";
import { ResponsesRequest } from "../dialects/openai-responses/schema.ts";
import { ResponsesTools } from "../dialects/openai-responses/tools.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { clientHandler, V1_PREFIXES } from "../gateway/client-route.ts";
import { clientText } from "../http/body.ts";
import { AUTO_MODEL } from "../routing/auto.ts";
import { imageTokenBound } from "../tokens/count.ts";

function responsesSpec() {
  /** `forward` is what a Responses upstream gets: the client's text (the fast path) or the validated value. */
  const prepared = (body: ResponsesRequest, rawLength: number, forward: JsonBody) => {
    const tools = new ResponsesTools();
    assertStateless(body);
    // Validated before anything is reserved; the body forwarded carries exactly these bounds.
    const bounds = responsesBounds(body);
    // Decoding registers the request's tool kinds, which the encoders need: a translating
    // provider decodes before any answer comes back.
    const core = lazyCore(() => decodeResponsesRequest(body, tools));
    return {
      modelId: body.model,
      stream: body.stream === true,
      inbound: { dialect: "openai-responses" as const, body: forward },
      core,
      requestedMaxTokens: bounds.maxTokens,
      choices: bounds.choices,
      ...(body.model === AUTO_MODEL ? { features: featuresOf(core()) } : {}),
      inputBound: (model: ModelRecord) => responsesInputBound(rawLength, body, imageTokenBound(model)),
      codec: dialectCodec({
        surface: responsesSurface(tools),
        passThrough: responsesPassThrough(core, body, body.model),
        publicModel: body.model,
        includeUsage: true,
      }),
    };
  };
  return {
    endpoint: "responses",
    schema: ResponsesRequest,
    /** The pass-through path: the schema by hand (check-request.ts), the client's text kept to forward. */
    fast(parsed: Record<string, unknown>, raw: string, rawLength: number) {
      const text = isResponsesRequest(parsed) ? clientText(raw, parsed) : null;
      return text && prepared(parsed as ResponsesRequest, rawLength, text);
    },
    prepare: (body: ResponsesRequest, rawLength: number) => prepared(body, rawLength, JsonBody.of(body)),
  };
}

/**
 * `POST /v1/responses` (and `/v1/v1/responses`): the OpenAI Responses API, stateless.
 * An `openai` provider with `responses_api: true` takes it as it is; every other
 * provider answers through the canonical model. `previous_response_id` is refused with a
 * 400 (nothing is stored).
 */
export const responsesRoutes = (gw: CallServices) => {
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
