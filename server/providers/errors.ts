import type { ProviderRecord } from "../catalog/catalog.ts";
import { GatewayError } from "../errors.ts";
import { scrub } from "../secrets/redact.ts";

// Defined beside the other typed errors so that http/ (reading a body) and the dialects
// (reading an answer) can throw them too.
export { ClientClosed, upstreamInvalid } from "../errors.ts";
// Defined with the redactor (secrets/), which dialects use for errors inside streams.
export { scrub } from "../secrets/redact.ts";

export type TimeoutPhase = "connect" | "first_byte" | "total";

export const upstreamTimeout = (phase: TimeoutPhase, ms: number) =>
  new GatewayError(
    "timeout",
    `The upstream provider did not answer in time (${phase.replace("_", " ")} timeout of ${ms} ms).`,
    {
      code: "upstream_timeout",
    },
  );

export const upstreamUnreachable = () =>
  new GatewayError("upstream", "Could not reach the upstream provider.", {
    code: "upstream_connection_failed",
  });

export const upstreamStreamCut = () =>
  new GatewayError("upstream", "The upstream provider ended the stream before it was complete.", {
    code: "upstream_stream_interrupted",
  });

/**
 * What to scrub from a provider's error texts: its key, and its extra header values (they
 * often are credentials: api-key, x-api-key); short values are not secrets and would only
 * garble messages.
 */
export function providerSecrets(p: Pick<ProviderRecord, "apiKey" | "headers">): string[] {
  const out = p.apiKey ? [p.apiKey] : [];
  for (const v of Object.values(p.headers)) if (v.length >= 8) out.push(v);
  return out;
}

function messageOf(body: string): { message: string | null; code: string | null; param: string | null } {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const e = (Array.isArray(j) ? j[0] : j) as Record<string, unknown>;
    const err = (typeof e?.error === "object" && e.error !== null ? e.error : e) as Record<string, unknown>;
    const message = [
      err.message,
      err.detail,
      e.message,
      typeof e.error === "string" ? e.error : undefined,
    ].find((m): m is string => typeof m === "string");
    const code = typeof err.code === "string" && /^[a-z0-9_.-]{1,64}$/i.test(err.code) ? err.code : null;
    const param = typeof err.param === "string" ? err.param : null;
    return { message: message ?? null, code, param };
  } catch {
    const text = body.trim();
    return { message: text && !text.startsWith("<") ? text : null, code: null, param: null };
  }
}

/**
 * Maps an upstream error response to what the client sees. A 4xx caused by the request
 * keeps its status and message; 401/402 from the provider mean the gateway's own
 * credentials or credit failed, which the client cannot fix: 502. 5xx becomes 502.
 * Every message is scrubbed of the provider's secrets.
 */
export function upstreamError(
  status: number,
  body: string,
  headers: Headers,
  secrets: (string | null | undefined)[],
): GatewayError {
  const parsed = messageOf(body);
  const message = parsed.message ? scrub(parsed.message, secrets).slice(0, 1000) : null;
  if (status === 429) {
    const h: Record<string, string> = {};
    const ra = headers.get("retry-after");
    if (ra && /^\d+$/.test(ra.trim())) h["retry-after"] = ra.trim();
    return new GatewayError("rate_limit", message ?? "The upstream provider is rate limiting requests.", {
      code: parsed.code ?? "upstream_rate_limited",
      headers: h,
      upstreamStatus: status,
    });
  }
  if (status === 401 || status === 402 || (status >= 500 && status <= 599) || status < 400 || status > 599) {
    const detail = message ? `: ${message}` : "";
    return new GatewayError("upstream", `The upstream provider failed (HTTP ${status})${detail}`, {
      code: "upstream_error",
      upstreamStatus: status,
    });
  }
  const kind =
    status === 403
      ? "permission"
      : status === 404
        ? "not_found"
        : status === 413
          ? "too_large"
          : status === 409
            ? "conflict"
            : status === 422
              ? "unprocessable"
              : "invalid_request";
  return new GatewayError(kind, message ?? `The upstream provider rejected the request (HTTP ${status}).`, {
    code: parsed.code ?? "upstream_rejected",
    param: parsed.param,
    status,
    upstreamStatus: status,
  });
}
