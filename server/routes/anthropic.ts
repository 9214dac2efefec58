import { Elysia } from "elysia";
import type { ModelRecord } from "../catalog/catalog.ts";
import { featuresOf } from "../core/features.ts";
import { JsonBody } from "../core/json-body.ts";
import { messagesBounds, messagesInputBound } from "../dialects/anthropic/bounds.ts";
import { isMessagesRequest } from "../dialects/anthropic/check-request.ts";
import { betaFlags, decodeMessagesRequest } from "../dialects/anthropic/decode-request.ts";
import { renderAnthropicError } from "../dialects/anthropic/error.ts";
import { messagesSurface } from "../dialects/anthropic/index.ts";
import { anthropicPassThrough } from "../dialects/anthropic/pass-through.ts";
import { CountTokensRequest, MessagesRequest } from "../dialects/anthropic/schema.ts";
import { coreCounter, dialectCodec, lazyCore } from "../dialects/dialect-codec.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { resolveModel } from "../gateway/client-call.ts";
import { clientHandler, V1_PREFIXES } from "../gateway/client-route.ts";
import { clientText, parseJsonBody, readBody } from "../http/body.ts";
import { authenticateClient } from "../http/client-auth.ts";
import type { ErrorSurface } from "../http/error-hook.ts";
import { admitUnbilled } from "../limits/admission.ts";
import { AUTO_MODEL } from "../routing/auto.ts";
import { imageTokenBound } from "../tokens/count.ts";

function messagesSpec(request: Request) {
  const beta = betaFlags(request.headers.get("anthropic-beta"));
  /** `forward` is what an Anthropic upstream gets: the client's text (the fast path) or the validated value. */
  const prepared = (body: MessagesRequest, rawLength: number, forward: JsonBody) => {
    const bounds = messagesBounds(body);
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
        body: forward,
        ...(beta.length > 0 ? { headers: { "anthropic-beta": beta.join(",") } } : {}),
      },
      core,
      requestedMaxTokens: bounds.maxTokens,
      choices: bounds.choices,
      ...(body.model === AUTO_MODEL ? { features: featuresOf(core()) } : {}),
      inputBound: (model: ModelRecord) => messagesInputBound(rawLength, body, imageTokenBound(model)),
      codec: dialectCodec({
        surface: messagesSurface,
        passThrough: anthropicPassThrough(core, body, body.model),
        publicModel: body.model,
        includeUsage: true,
      }),
    };
  };
  return {
    endpoint: "messages",
    schema: MessagesRequest,
    /** The pass-through path: the schema by hand (check-request.ts), the client's text kept to forward. */
    fast(parsed: Record<string, unknown>, raw: string, rawLength: number) {
      const text = isMessagesRequest(parsed) ? clientText(raw, parsed) : null;
      return text && prepared(parsed as MessagesRequest, rawLength, text);
    },
    prepare: (body: MessagesRequest, rawLength: number) => prepared(body, rawLength, JsonBody.of(body)),
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

/** Errors on /v1/messages (and /v1/messages/count_tokens) in Anthropic's shape. */
export const anthropicErrors: ErrorSurface = {
  shape: "anthropic",
  owns: (path) => path === "/v1/messages" || path.startsWith("/v1/messages/"),
  render: renderAnthropicError,
};

/**
 * `POST /v1/messages` (JSON or SSE) and `/v1/messages/count_tokens`, also under
 * `/v1/v1/...` for clients configured with a base URL ending in /v1. `?beta=true`
 * (Claude Code) and the `anthropic-version` header are accepted.
 */
export const anthropicRoutes = (gw: CallServices) => {
  const app = new Elysia({ name: "anthropic-messages" });
  for (const prefix of V1_PREFIXES) {
    app
      .post(`${prefix}/messages`, clientHandler(gw, messagesSpec), {
        parse: "none",
        ...detail("Create a message (Anthropic Messages, JSON or SSE)"),
      })
      .post(
        `${prefix}/messages/count_tokens`,
        async ({ request, set }) => {
          const key = authenticateClient(gw, request);
          const rate = admitUnbilled(gw.limiter, key, Date.now());
          Object.assign(set.headers, rate instanceof Promise ? await rate : rate);
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
