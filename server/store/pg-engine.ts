import type { SQL } from "bun";
import type { PgDb } from "../../db/pg/client.ts";
import { pgStore } from "../../db/pg/queries/store.ts";
import type { Store } from "../../db/store.ts";
import { withDeadline } from "../core/deadline.ts";
import type { ChangeSignal, Engine } from "./engine.ts";
import { GENERATION_KEY } from "./generation.ts";
import { freshConnectionProbe, PgReachability } from "./pg-reachability.ts";
import { batchesInFlight, PgWriter } from "./pg-writer.ts";

export type PgEngine = Engine & {
  readonly kind: "postgres";
  readonly client: SQL;
  /** The pool under Drizzle: what the Redis mirror of balances loads from (cluster/pg-mirror.ts). */
  readonly db: PgDb;
  readonly poolSize: number;
  /** Whether PostgreSQL is known unreachable (billed calls refused up front); the health probe feeds it too. */
  readonly reachability: PgReachability;
};

/**
 * How often each replica reads the cache generation: a change committed elsewhere (the CLI,
 * another replica) is loaded within this plus one reload, inside the one second
 * docs/scale-out.md promises. One indexed read of one row, twice a second per replica.
 */
export const GENERATION_POLL_MS = 500;

/**
 * PostgreSQL (TOLLGATE_DB=postgres://…): the Store and group commit on one pool, completed
 * idempotent responses read through the Store, and other processes' changes found by
 * polling the cache generation on a timer (the request path reads nothing for it).
 */
export function pgEngine(
  client: SQL,
  db: PgDb,
  opts: { poolSize: number; pollMs?: number; url: string; replicas?: number },
): PgEngine {
  const store = pgStore(db);
  const reachability = new PgReachability(freshConnectionProbe(opts.url));
  return {
    kind: "postgres",
    client,
    db,
    poolSize: opts.poolSize,
    reachability,
    store,
    writer: () => new PgWriter(db, reachability, batchesInFlight(opts.replicas ?? 1)),
    changes: generationPoll(store, opts.pollMs ?? GENERATION_POLL_MS, reachability),
    idempotencyRows: store.idempotency,
    // Reachability is the `postgres` probe's (health/store-checks.ts): this stays synchronous.
    describe: () => ({ engine: "postgres", connection_pool_size: opts.poolSize }),
    unreachable: (err) => pgUnreachable(err),
    close: () => {
      reachability.stop();
      return client.close();
    },
  };
}

/**
 * Bun's client's own connection errors (ERR_POSTGRES_CONNECTION_REFUSED, …_CLOSED, …_TIMEOUT)
 * and the server's SQLSTATE classes for a connection that failed or a server shutting down
 * or starting up (08, 57P01–57P03).
 */
export function pgUnreachable(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; errno?: unknown; cause?: unknown } | null;
  // Drizzle wraps the client's error ("Failed query: …") with it as the cause.
  if (e?.cause && depth < 3 && pgUnreachable(e.cause, depth + 1)) return true;
  const codes = [e?.code, e?.errno].filter((c): c is string => typeof c === "string");
  return codes.some(
    (c) =>
      c.startsWith("ERR_POSTGRES_CONNECTION") ||
      c === "ERR_POSTGRES_IDLE_TIMEOUT" ||
      c.startsWith("08") ||
      /^57P0[123]$/.test(c) ||
      c === "ECONNREFUSED" ||
      c === "ECONNRESET",
  );
}

/**
 * How long a generation poll waits for its read. A server gone silent (its host lost on a
 * network that drops packets: no reset, nothing closed) would otherwise hold the read, and
 * with it the poll, forever: the replica's own signal would never fire.
 */
const POLL_DEADLINE_MS = 2000;

function generationPoll(store: Store, pollMs: number, reachability: PgReachability): ChangeSignal {
  const read = async () => (await store.settings.read(GENERATION_KEY)) ?? "0";
  const readInTime = () => withDeadline(read(), POLL_DEADLINE_MS);
  let last: string | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  let failing = false;
  return {
    poll: () => false,
    async mark() {
      const g = await read();
      return () => {
        last = g;
      };
    },
    watch(onChange) {
      timer = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          const g = await readInTime();
          failing = false;
          // A read does not end a refusal: a read-only standby answers it and would refuse the
          // charge. The reachability's own probe (fresh connection, standby checked) does.
          if (last !== null && g !== last) {
            last = g;
            onChange();
          }
        } catch (err) {
          // The replica's own signal that PostgreSQL went away, with no call needed to find out.
          reachability.failed();
          // Logged once per outage: /ready and the postgres probe report it meanwhile.
          if (!failing)
            console.error(
              JSON.stringify({ level: "error", msg: "cache generation poll failed", error: String(err) }),
            );
          failing = true;
        } finally {
          busy = false;
        }
      }, pollMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
