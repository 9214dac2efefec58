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

/** The LLM Gateway reference's error types (`error_type`), by kind. */
const REFERENCE_TYPE: Record<ErrorKind, string> = {
  invalid_request: "validation_error",
  authentication: "authentication_error",
  insufficient_quota: "insufficient_quota",
  permission: "permission_error",
  not_found: "not_found_error",
  conflict: "validation_error",
  gone: "not_found_error",
  too_large: "validation_error",
  unprocessable: "validation_error",
  rate_limit: "rate_limit_error",
  internal: "internal_error",
  upstream: "service_error",
  unavailable: "service_error",
  timeout: "service_error",
};

/**
 * An HTTP error answer: OpenAI's `error` object (what the SDKs read) and, beside it, the
 * LLM Gateway reference's `detail` and `error_type` (what its own client examples read).
 */
export function renderOpenAIError(err: GatewayError): Response {
  const body = { ...openaiErrorBody(err), detail: err.message, error_type: REFERENCE_TYPE[err.kind] };
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { ...err.headers, "content-type": "application/json" },
  });
}

/** An OpenAI `error` (an object with a message, or a bare string) inside a stream. */
export function openaiStreamError(e: unknown): GatewayError {
  return streamedError(str(obj(e)?.message) ?? str(e));
}
