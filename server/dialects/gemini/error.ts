import { num, obj, str } from "../../core/wire-json.ts";
import type { GatewayError } from "../../errors.ts";
import { streamedError } from "../stream-error.ts";

/** Google's canonical error codes by HTTP status (google.rpc.Code). */
function statusOf(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 402:
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
    case 410:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 499:
      return "CANCELLED";
    case 502:
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return "INTERNAL";
  }
}

/**
 * `{ "error": { "code", "message", "status", "details" } }`, as the Gemini API answers errors.
 * The status is coarse (an empty account and a key at its spend limit are both
 * RESOURCE_EXHAUSTED), so the gateway's own code goes where Google puts a machine-readable
 * reason: a google.rpc.ErrorInfo in `details`, upper case as AIP-193 spells reasons.
 */
export function googleErrorBody(err: GatewayError) {
  return {
    error: {
      code: err.status,
      message: err.message,
      status: statusOf(err.status),
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: err.code.toUpperCase(),
          domain: "tollgate",
        },
      ],
    },
  };
}

export function renderGoogleError(err: GatewayError): Response {
  return new Response(JSON.stringify(googleErrorBody(err)), {
    status: err.status,
    headers: { ...err.headers, "content-type": "application/json; charset=UTF-8" },
  });
}

/** An error object Gemini put in its stream ({code, message, status}) as a GatewayError. */
export function geminiStreamError(e: unknown): GatewayError {
  const err = obj(e) ?? {};
  return streamedError(str(err.message), { kind: num(err.code) === 429 ? "rate_limit" : "upstream" });
}
