import { GatewayError } from "../errors.ts";

/**
 * Runs one call to Redis; a failure to reach it becomes a retryable 503 naming what could not
 * be checked (docs/scale-out.md: rate limits, reservations and idempotency claims fail closed).
 * Errors the call itself raises on purpose (a 429, a 409) pass through.
 */
export async function shared<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError(
      "unavailable",
      `${what} cannot be checked right now (shared state unreachable); retry shortly.`,
      { code: "shared_state_unavailable", headers: { "retry-after": "1" } },
    );
  }
}
