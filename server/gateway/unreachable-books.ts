import { storeUnavailable } from "../errors.ts";
import type { IdempotencyLookup } from "../store/engine.ts";

/**
 * The idempotency lookup through the Store (PostgreSQL), with "the database does not answer"
 * (stopped, restarting, cut off) as the retryable 503 a commit that fails gets
 * (errors.ts `storeUnavailable`), not a 500. Other errors pass as they are.
 */
export function reachableLookup(
  rows: IdempotencyLookup,
  unreachable: (err: unknown) => boolean,
): IdempotencyLookup {
  const mapped = (err: unknown) => {
    throw unreachable(err) ? storeUnavailable() : err;
  };
  return {
    find: (keyId, idemKey) => Promise.resolve(rows.find(keyId, idemKey)).catch(mapped),
    purge: (before) => Promise.resolve(rows.purge(before)).catch(mapped),
  };
}
