import { obj, str } from "../../core/wire-json.ts";
import type { ErrorKind, GatewayError } from "../../errors.ts";
import { streamedError } from "../stream-error.ts";

const TYPE: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  insufficient_quota: "insufficient_quota",
  permission: "permission_error",
  not_found: "invalid_request_error",
  conflict: "invalid_request_error",
  gone: "invalid_request_error",
  too_large: "invalid_request_error",
  unprocessable: "invalid_request_error",
  rate_limit: "rate_limit_error",
  internal: "api_error",
  upstream: "api_error",
  unavailable: "api_error",
  timeout: "api_error",
};

/** The OpenAI error object (plus `status`, as the AIGate agent guide shows it). */
export function openaiErrorBody(err: GatewayError) {
  return {
    error: {
      message: err.message,
      type: TYPE[err.kind],
      param: err.param,
      code: err.code,
      status: err.status,
    },
  };
}

export function renderOpenAIError(err: GatewayError): Response {
  return new Response(JSON.stringify(openaiErrorBody(err)), {
    status: err.status,
    headers: { ...err.headers, "content-type": "application/json" },
  });
}

/** An OpenAI `error` (an object with a message, or a bare string) inside a stream. */
export function openaiStreamError(e: unknown): GatewayError {
  return streamedError(str(obj(e)?.message) ?? str(e));
}
