import { GatewayError } from "../errors.ts";
import type { IdempotencyLookup } from "../store/engine.ts";
import type { Writer } from "../store/writer.ts";

/**
 * The books' server does not answer (PostgreSQL stopped, restarting, cut off): a retryable
 * 503 in the route's own shape, not a 500 (docs/scale-out.md, failure cases). A write the
 * database refused for a reason of its own stays the 500 it is on SQLite.
 */
export function databaseUnavailable(): GatewayError {
  return new GatewayError(
    "unavailable",
    "The gateway's database is not reachable right now; retry shortly.",
    {
      code: "database_unavailable",
      headers: { "retry-after": "1" },
    },
  );
}

/** The group commit, with "the database is unreachable" rendered as databaseUnavailable(). */
export class ReachableWriter implements Writer {
  constructor(
    private readonly inner: Writer,
    private readonly unreachable: (err: unknown) => boolean,
  ) {}

  enqueue(entry: Parameters<Writer["enqueue"]>[0]): ReturnType<Writer["enqueue"]> {
    return this.inner.enqueue(entry).catch((err: unknown) => {
      throw this.unreachable(err) ? databaseUnavailable() : err;
    });
  }

  idle(): Promise<void> {
    return this.inner.idle();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  get onFailure(): (err: unknown) => void {
    return this.inner.onFailure;
  }

  set onFailure(f: (err: unknown) => void) {
    this.inner.onFailure = f;
  }

  get stats(): Writer["stats"] {
    return this.inner.stats;
  }

  get pending(): number {
    return this.inner.pending;
  }
}

/** The idempotency lookup through the Store, with an unreachable database as databaseUnavailable(). */
export function reachableLookup(
  rows: IdempotencyLookup,
  unreachable: (err: unknown) => boolean,
): IdempotencyLookup {
  const mapped = (err: unknown) => {
    throw unreachable(err) ? databaseUnavailable() : err;
  };
  return {
    find: (keyId, idemKey) => Promise.resolve(rows.find(keyId, idemKey)).catch(mapped),
    purge: (before) => Promise.resolve(rows.purge(before)).catch(mapped),
  };
}
