import { type ErrorKind, GatewayError } from "../errors.ts";
import { scrub } from "../secrets/redact.ts";

/**
 * An error an upstream reported inside its stream, as the gateway's own: its message
 * reaches the client (and the log) as ours, so it is scrubbed of anything key-shaped like
 * an error body would be, and bounded. (The provider's own key and headers are already
 * blanked out of every streamed event by the exchange.) Each dialect's error.ts reads the
 * message (and a kind, for errors such as rate limits) out of its own error shape.
 */
export function streamedError(
  message: string | null | undefined,
  init: { kind?: ErrorKind; code?: string; fallback?: string } = {},
): GatewayError {
  const text = message ?? init.fallback ?? "The upstream provider reported an error in the stream.";
  return new GatewayError(init.kind ?? "upstream", scrub(text, []).slice(0, 500), {
    code: init.code ?? "upstream_stream_error",
  });
}
