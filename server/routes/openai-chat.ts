import { Elysia } from "elysia";
import type { ModelRecord } from "../catalog/catalog.ts";
import { dialectCodec, lazyCore } from "../dialects/dialect-codec.ts";
import { chatBounds, chatInputBound } from "../dialects/openai-chat/bounds.ts";
import { renderOpenAIError } from "../dialects/openai-chat/error.ts";
import { chatSurface } from "../dialects/openai-chat/index.ts";
import { openaiChatCodec } from "../dialects/openai-chat/pass-through.ts";
import { ChatRequest } from "../dialects/openai-chat/schema.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { clientHandler, V1_PREFIXES } from "../gateway/client-route.ts";
import type { ErrorSurface } from "../http/error-hook.ts";
import { imageTokenBound } from "../tokens/count.ts";

function chatSpec(forceStream: boolean) {
  return {
    endpoint: "chat.completions",
    schema: ChatRequest,
    forceStream,
    prepare(sent: ChatRequest, rawLength: number) {
      // Validated before anything is reserved; the body forwarded carries exactly these bounds.
      const { bounds, body } = chatBounds(sent);
      const stream = forceStream || body.stream === true;
      const inbound = forceStream && body.stream !== true ? { ...body, stream: true } : body;
      return {
        modelId: body.model,
        stream,
        inbound: { dialect: "openai-chat" as const, body: inbound },
        core: lazyCore(() => chatSurface.decodeRequest({ ...body, stream })),
        requestedMaxTokens: bounds.maxTokens,
        choices: bounds.choices,
        inputBound: (model: ModelRecord) => chatInputBound(rawLength, body, imageTokenBound(model)),
        codec: dialectCodec({
          surface: chatSurface,
          passThrough: openaiChatCodec(body),
          publicModel: body.model,
          includeUsage: body.stream_options?.include_usage === true,
        }),
        features: {
          tools: (body.tools?.length ?? 0) > 0,
          images: body.messages.some(
            (m) => Array.isArray(m.content) && m.content.some((p) => p.type === "image_url"),
          ),
          jsonSchema: body.response_format?.type === "json_schema",
        },
      };
    },
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
