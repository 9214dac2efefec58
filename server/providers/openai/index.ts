import type { JsonBody } from "../../core/json-body.ts";
import { capIn } from "../../dialects/openai-chat/encode-request.ts";
import { openaiChatDialect } from "../../dialects/openai-chat/index.ts";
import { forwardResponsesRequest } from "../../dialects/openai-responses/encode-request.ts";
import type { ChatCall, Provider, UpstreamResult } from "../provider.ts";
import { upstreamBody } from "../translate-body.ts";
import { postUpstream } from "../upstream-call.ts";
import { openaiEmbeddings, openaiImages } from "./media.ts";
import { openaiVideos } from "./videos.ts";

/**
 * The cap in the one field the provider's `max_tokens_field` names, when set (the body
 * carries it in the client's spelling, `max_tokens` once translated): an upstream reading
 * the other spelling must find none.
 */
function forceCapField(call: ChatCall, body: JsonBody): JsonBody {
  const forced = call.target.provider.options.max_tokens_field;
  if (forced !== "max_tokens" && forced !== "max_completion_tokens") return body;
  return body.with(capIn(forced, call.maxTokens));
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
    const body = forceCapField(call, upstreamBody(call, openaiChatDialect));
    const headers: Record<string, string> = {};
    if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
    return postUpstream(call, {
      url: `${provider.baseUrl.replace(/\/+$/, "")}/chat/completions`,
      headers,
      body,
      dialect: openaiChatDialect,
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
  const body = forwardResponsesRequest(call.inbound.body, {
    upstreamModel: call.target.model,
    stream: call.stream,
    maxTokens: call.maxTokens,
  });
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
