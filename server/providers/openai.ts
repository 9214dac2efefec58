import type { Json } from "../core/wire-json.ts";
import { openaiChatDialect } from "./openai-chat/index.ts";
import { openaiEmbeddings, openaiImages } from "./openai-media.ts";
import { openaiVideos } from "./openai-videos.ts";
import type { ChatCall, Provider, UpstreamResult } from "./provider.ts";
import { upstreamBody } from "./translate-body.ts";
import { postUpstream } from "./upstream-call.ts";

/** Both spellings of a chat completion's output cap. */
const CAP_FIELDS = ["max_tokens", "max_completion_tokens"] as const;

/**
 * The one field the output cap goes upstream in: the provider's `max_tokens_field` when
 * set, else the spelling the client used (the translated body's is `max_tokens`).
 */
function capField(call: ChatCall, body: Json): (typeof CAP_FIELDS)[number] {
  const forced = call.target.provider.options.max_tokens_field;
  if (forced === "max_tokens" || forced === "max_completion_tokens") return forced;
  return "max_completion_tokens" in body ? "max_completion_tokens" : "max_tokens";
}

/** The client's own chat body with the upstream model id and usage always asked on streams. */
function passThrough(call: ChatCall, inbound: Json): Json {
  const body: Json = { ...inbound, model: call.target.model };
  if (call.stream) {
    const opts =
      typeof body.stream_options === "object" && body.stream_options !== null ? body.stream_options : {};
    body.stream = true;
    body.stream_options = { ...opts, include_usage: true };
  }
  return body;
}

/**
 * Any OpenAI-compatible base URL (OpenAI, Qwen compatible mode, DeepSeek, vLLM, Ollama,
 * OpenRouter...). A vendor is configuration: base_url, key, extra headers, timeouts.
 * A chat completions client's body is forwarded untouched but for the model id, the
 * usage request on streams (the gateway always needs usage) and the output cap the call
 * reserved for, in one field; any other client dialect is encoded from the canonical request.
 * Option `max_tokens_field: max_completion_tokens` sends the cap in that field (OpenAI's
 * reasoning models refuse `max_tokens`); `max_tokens_field: max_tokens` for a vendor that
 * reads only `max_tokens`; unset, the cap keeps the client's spelling. Option
 * `responses_api: true` (OpenAI itself) sends Responses clients to the vendor's own
 * /responses, body untouched.
 */
export const openaiProvider = {
  kind: "openai",

  async chat(call: ChatCall): Promise<UpstreamResult> {
    const { provider } = call.target;
    if (call.inbound.dialect === "openai-responses" && provider.options.responses_api === true)
      return responsesCall(call);
    const body = upstreamBody(call, openaiChatDialect, (inbound) => passThrough(call, inbound));
    // Exactly one cap, the one reserved for: an upstream reading the other spelling must find none.
    const field = capField(call, body);
    for (const f of CAP_FIELDS) delete body[f];
    body[field] = call.maxTokens;
    const headers: Record<string, string> = {};
    if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
    return postUpstream(call, {
      url: `${provider.baseUrl.replace(/\/+$/, "")}/chat/completions`,
      headers,
      body,
      dialect: "openai-chat",
      secrets: [provider.apiKey],
    });
  },

  embeddings: openaiEmbeddings,
  images: openaiImages,
  videos: openaiVideos,
} satisfies Provider;

/** A Responses request to a vendor that has the Responses API: forwarded, usage tapped by the surface. */
function responsesCall(call: ChatCall): Promise<UpstreamResult> {
  const { provider } = call.target;
  const body: Json = { ...call.inbound.body, model: call.target.model };
  if (call.stream) body.stream = true;
  body.max_output_tokens = call.maxTokens;
  const headers: Record<string, string> = {};
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
  return postUpstream(call, {
    url: `${provider.baseUrl.replace(/\/+$/, "")}/responses`,
    headers,
    body,
    dialect: "openai-responses",
    secrets: [provider.apiKey],
  });
}
