import { Elysia } from "elysia";
import type { ModelRecord } from "../catalog/catalog.ts";
import { JsonBody } from "../core/json-body.ts";
import { dialectCodec, lazyCore } from "../dialects/dialect-codec.ts";
import { chatBounds, chatInputBound } from "../dialects/openai-chat/bounds.ts";
import { isChatRequest } from "../dialects/openai-chat/check-request.ts";
import { renderOpenAIError } from "../dialects/openai-chat/error.ts";
import { chatSurface } from "../dialects/openai-chat/index.ts";
import { openaiChatCodec } from "../dialects/openai-chat/pass-through.ts";
import { ChatRequest } from "../dialects/openai-chat/schema.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { clientHandler, V1_PREFIXES } from "../gateway/client-route.ts";
import { clientText } from "../http/body.ts";
import type { ErrorSurface } from "../http/error-hook.ts";
import { imageTokenBound } from "../tokens/count.ts";

function chatSpec(forceStream: boolean) {
  /**
   * `body` is what to forward: the client's text (the fast path) or the validated value;
   * `request` is the request again for counting its prompt, the rare case (no usage
   * reported, or a reservation worth tightening): its text, parsed only then, or the value.
   */
  const prepared = (sent: ChatRequest, rawLength: number, body: JsonBody, request: string | ChatRequest) => {
    // Validated before anything is reserved; the body forwarded carries exactly these bounds.
    const { bounds, changes } = chatBounds(sent);
    const stream = forceStream || sent.stream === true;
    if (forceStream && sent.stream !== true) changes.stream = true;
    const includeUsage = sent.stream_options?.include_usage === true;
    return {
      modelId: sent.model,
      stream,
      inbound: { dialect: "openai-chat" as const, body: body.with(changes) },
      core: lazyCore(() => chatSurface.decodeRequest({ ...sent, ...changes, stream })),
      requestedMaxTokens: bounds.maxTokens,
      choices: bounds.choices,
      inputBound: (model: ModelRecord) => chatInputBound(rawLength, sent, imageTokenBound(model)),
      codec: dialectCodec({
        surface: chatSurface,
        passThrough: openaiChatCodec({ publicModel: sent.model, includeUsage, request }),
        publicModel: sent.model,
        includeUsage,
      }),
      features: {
        tools: (sent.tools?.length ?? 0) > 0,
        images: sent.messages.some(
          (m) => Array.isArray(m.content) && m.content.some((p) => p.type === "image_url"),
        ),
        jsonSchema: sent.response_format?.type === "json_schema",
      },
    };
  };
  return {
    endpoint: "chat.completions",
    schema: ChatRequest,
    forceStream,
    /**
     * The pass-through path: the parsed body checked by hand (check-request.ts) and the
     * client's text kept to forward, its members indexed; null sends it to the schema.
     */
    fast(parsed: Record<string, unknown>, raw: string, rawLength: number) {
      const body = isChatRequest(parsed) ? clientText(raw, parsed) : null;
      // A held stream keeps the text (a string), not the parsed request (an object per message).
      return body && prepared(parsed as ChatRequest, rawLength, body, raw);
    },
    prepare: (sent: ChatRequest, rawLength: number) => prepared(sent, rawLength, JsonBody.of(sent), sent),
  };
}

const detail = (summary: string) => ({
  detail: {
    summary,
    tags: ["OpenAI"],
    description: "OpenAI chat completions request; see https://platform.openai.com/docs/api-reference/chat",
  },
});

/**
 * `POST /v1/chat/completions` and the always-streaming alias `/v1/chat/completions/stream`,
 * also under `/v1/v1/...` for clients whose base URL already ends in /v1.
 */
/**
 * The OpenAI error shape: every OpenAI-compatible route (chat, responses, embeddings,
 * images, videos, models, balance) and whatever no other surface owns (the admin API).
 */
export const openaiErrors: ErrorSurface = { shape: "openai", owns: () => true, render: renderOpenAIError };

export const chatRoutes = (gw: CallServices) => {
  const app = new Elysia({ name: "openai-chat" });
  for (const prefix of V1_PREFIXES)
    app
      .post(
        `${prefix}/chat/completions`,
        clientHandler(gw, () => chatSpec(false)),
        { parse: "none", ...detail("Create a chat completion (JSON or SSE stream)") },
      )
      .post(
        `${prefix}/chat/completions/stream`,
        clientHandler(gw, () => chatSpec(true)),
        { parse: "none", ...detail("Create a chat completion, always streamed (SSE)") },
      );
  return app;
};
