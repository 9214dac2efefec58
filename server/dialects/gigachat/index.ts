import { type ProviderDialectCodec, statefulDecoder } from "../../core/translate.ts";
import { decodeGigaChatResponse, type GigaChatStreamState, gigachatStreamStep } from "./decode-response.ts";
import { encodeGigaChatRequest } from "./encode-request.ts";

/**
 * GigaChat's chat completions (POST /api/v1/chat/completions), per Sber's REST reference
 * and the official SDKs (ai-forever/gigachat, gigachat-js):
 * - one system message, first; roles user / assistant / function;
 * - tools are `functions` [{name, description, parameters}], chosen with `function_call`
 *   "auto" | "none" | {name}; a call comes back as `message.function_call` with
 *   `arguments` as a JSON object (not text), `functions_state_id`, finish "function_call";
 * - a result goes back as {role: "function", name, content: <JSON text>};
 * - one call per answer: an assistant turn with several calls is replayed call by call;
 * - usage {prompt_tokens, completion_tokens, total_tokens, precached_prompt_tokens}, where
 *   prompt_tokens excludes the precached ones;
 * - streaming is SSE of chat.completion chunks with `delta`, usage on the last, then [DONE].
 */
export const gigachatCodec: ProviderDialectCodec = {
  dialect: "gigachat",
  encodeRequest: encodeGigaChatRequest,
  decodeResponse: decodeGigaChatResponse,
  streamDecoder: () =>
    statefulDecoder<GigaChatStreamState>({ started: false, stopped: false, calls: 0 }, gigachatStreamStep),
};
