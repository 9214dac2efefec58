import type { SurfaceDialectCodec } from "../../core/translate.ts";
import { decodeResponsesRequest } from "./decode-request.ts";
import { encodeResponsesResponse } from "./encode-response.ts";
import { responsesStreamEncoder } from "./encode-stream.ts";
import type { ResponsesRequest } from "./schema.ts";
import type { ResponsesTools } from "./tools.ts";

/**
 * The OpenAI Responses API as a client speaks it, for one request: decoding registers the
 * request's tool kinds (namespaces, custom tools) in `tools`, which the encoders read back.
 * No upstream codec: an upstream speaking Responses (an `openai` provider with
 * `responses_api: true`) only ever serves a Responses client, by pass-through.
 */
export function responsesSurface(tools: ResponsesTools): SurfaceDialectCodec<ResponsesRequest> {
  return {
    dialect: "openai-responses",
    decodeRequest: (b) => decodeResponsesRequest(b, tools),
    encodeResponse: (res, ctx) => encodeResponsesResponse(res, ctx, tools),
    streamEncoder: (ctx) => responsesStreamEncoder(ctx, tools),
  };
}
