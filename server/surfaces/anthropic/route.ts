import { Elysia } from "elysia";
import { featuresOf } from "../../core/features.ts";
import { clientCall, resolveModel } from "../../gateway/client-call.ts";
import { coreCounter, dialectCodec, lazyCore } from "../../gateway/dialect-codec.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { parseJsonBody, readBody } from "../../http/body.ts";
import { authenticateClient } from "../../http/client-auth.ts";
import { currentRequestId } from "../../http/request-id.ts";
import { AUTO_MODEL } from "../../routing/auto.ts";
import { DEFAULT_IMAGE_TOKEN_BOUND } from "../openai/chat-input.ts";
import { anthropicPassThrough, messagesInputBound } from "./codec.ts";
import { decodeMessagesRequest } from "./decode.ts";
import { messagesSurface } from "./encode.ts";
import { CountTokensRequest, MessagesRequest } from "./schema.ts";

/** Beta flags steer an Anthropic upstream; translated elsewhere they are dropped by name. */
function betaFlags(request: Request): string[] {
  return (request.headers.get("anthropic-beta") ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
}

function messagesSpec(request: Request) {
  const beta = betaFlags(request);
  return {
    endpoint: "messages",
    schema: MessagesRequest,
    prepare(body: MessagesRequest, rawLength: number) {
      const core = lazyCore(() => {
        const c = messagesSurface.decodeRequest(body);
        c.hints.push(...beta.map((f) => `anthropic-beta:${f}`));
        return c;
      });
      return {
        modelId: body.model,
        stream: body.stream === true,
        inbound: {
          dialect: "anthropic-messages" as const,
          body,
          ...(beta.length > 0 ? { headers: { "anthropic-beta": beta.join(",") } } : {}),
        },
        core,
        requestedMaxTokens: body.max_tokens ?? null,
        choices: 1,
        ...(body.model === AUTO_MODEL ? { features: featuresOf(core()) } : {}),
        inputBound: (model: { capabilities: Record<string, unknown> }) => {
          const bound = model.capabilities.max_image_tokens;
          return messagesInputBound(
            rawLength,
            body,
            typeof bound === "number" ? bound : DEFAULT_IMAGE_TOKEN_BOUND,
          );
        },
        codec: dialectCodec({
          surface: messagesSurface,
          passThrough: anthropicPassThrough(core, body),
          publicModel: body.model,
          includeUsage: true,
        }),
      };
    },
  };
}

const detail = (summary: string) => ({
  detail: {
    summary,
    tags: ["Anthropic"],
    description:
      "Anthropic Messages request; see https://docs.anthropic.com/en/api/messages. Auth: x-api-key or Authorization: Bearer.",
  },
});

/**
 * `POST /v1/messages` (JSON or SSE) and `/v1/messages/count_tokens`, also under
 * `/v1/v1/...` for clients configured with a base URL ending in /v1. `?beta=true`
 * (Claude Code) and the `anthropic-version` header are accepted.
 */
export const anthropicRoutes = (gw: Gateway) => {
  const app = new Elysia({ name: "anthropic-messages" });
  for (const prefix of ["/v1", "/v1/v1"]) {
    app
      .post(
        `${prefix}/messages`,
        ({ request, set }) =>
          clientCall(
            gw,
            {
              request,
              headers: set.headers as Record<string, string>,
              requestId: currentRequestId(set.headers),
            },
            messagesSpec(request),
          ),
        { parse: "none", ...detail("Create a message (Anthropic Messages, JSON or SSE)") },
      )
      .post(
        `${prefix}/messages/count_tokens`,
        async ({ request, set }) => {
          const key = authenticateClient(gw, request);
          Object.assign(set.headers, gw.limiter.admit(key, Date.now()));
          const raw = await readBody(request, gw.settings.bodyLimitBytes);
          const body = parseJsonBody(raw, CountTokensRequest);
          resolveModel(gw, key, body.model);
          return { input_tokens: coreCounter(() => decodeMessagesRequest(body), body)() };
        },
        { parse: "none", ...detail("Count the tokens of a Messages request (not billed)") },
      );
  }
  return app;
};
