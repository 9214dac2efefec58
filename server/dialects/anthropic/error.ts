import { obj, str } from "../../core/wire-json.ts";
import type { ErrorKind, GatewayError } from "../../errors.ts";
import { streamedError } from "../stream-error.ts";

/** Anthropic's error types (https://docs.anthropic.com/en/api/errors). */
const TYPE: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  insufficient_quota: "billing_error",
  permission: "permission_error",
  not_found: "not_found_error",
  conflict: "invalid_request_error",
  gone: "not_found_error",
  too_large: "request_too_large",
  unprocessable: "invalid_request_error",
  rate_limit: "rate_limit_error",
  internal: "api_error",
  upstream: "api_error",
  unavailable: "api_error",
  timeout: "timeout_error",
};

/**
 * Anthropic's error object, plus the gateway's own `code` beside its `type`: the type is
 * coarse (a key at its spend limit and an empty account are both `billing_error`), and
 * clients need to tell such refusals apart without reading the message.
 */
export function anthropicErrorBody(err: GatewayError, requestId?: string) {
  return {
    type: "error",
    error: { type: TYPE[err.kind], message: err.message, code: err.code },
    ...(requestId ? { request_id: requestId } : {}),
  };
}

export function renderAnthropicError(err: GatewayError, requestId?: string): Response {
  return new Response(JSON.stringify(anthropicErrorBody(err, requestId)), {
    status: err.status,
    headers: { ...err.headers, "content-type": "application/json" },
  });
}

/** The `error` event that ends a broken stream. */
export function anthropicStreamErrorBytes(err: GatewayError): Uint8Array {
  return new TextEncoder().encode(`event: error\ndata: ${JSON.stringify(anthropicErrorBody(err))}\n\n`);
}

/** An `error` event (or error body) of the Anthropic API as a GatewayError. */
export function anthropicStreamError(e: unknown): GatewayError {
  const err = obj(obj(e)?.error) ?? obj(e) ?? {};
  const type = str(err.type);
  return streamedError(str(err.message), {
    kind: type === "rate_limit_error" ? "rate_limit" : "upstream",
    code: type === "overloaded_error" ? "upstream_overloaded" : "upstream_stream_error",
  });
}
