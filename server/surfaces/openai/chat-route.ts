import { Elysia } from "elysia";
import { clientCall } from "../../gateway/client-call.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { currentRequestId } from "../../http/request-id.ts";
import { openaiChatCodec } from "./chat-codec.ts";
import { chatInputBound, DEFAULT_IMAGE_TOKEN_BOUND } from "./chat-input.ts";
import { ChatRequest } from "./chat-schema.ts";

function chatSpec(forceStream: boolean) {
  return {
    endpoint: "chat.completions",
    schema: ChatRequest,
    forceStream,
    prepare(body: ChatRequest, rawLength: number) {
      const stream = forceStream || body.stream === true;
      const inbound = forceStream && body.stream !== true ? { ...body, stream: true } : body;
      return {
        modelId: body.model,
        stream,
        inbound: { dialect: "openai-chat" as const, body: inbound },
        requestedMaxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
        choices: body.n ?? 1,
        inputBound: (model: { capabilities: Record<string, unknown> }) => {
          const bound = model.capabilities.max_image_tokens;
          return chatInputBound(
            rawLength,
            body,
            typeof bound === "number" ? bound : DEFAULT_IMAGE_TOKEN_BOUND,
          );
        },
        codec: openaiChatCodec(body),
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

/** `POST /v1/chat/completions` and the always-streaming alias `/v1/chat/completions/stream`. */
export const chatRoutes = (gw: Gateway) =>
  new Elysia({ name: "openai-chat" })
    .post(
      "/v1/chat/completions",
      ({ request, set }) =>
        clientCall(
          gw,
          {
            request,
            headers: set.headers as Record<string, string>,
            requestId: currentRequestId(set.headers),
          },
          chatSpec(false),
        ),
      { parse: "none", ...detail("Create a chat completion (JSON or SSE stream)") },
    )
    .post(
      "/v1/chat/completions/stream",
      ({ request, set }) =>
        clientCall(
          gw,
          {
            request,
            headers: set.headers as Record<string, string>,
            requestId: currentRequestId(set.headers),
          },
          chatSpec(true),
        ),
      { parse: "none", ...detail("Create a chat completion, always streamed (SSE)") },
    );
