import type { IdempotencyRow } from "../../db/queries/system.ts";
import type { Store } from "../../db/store.ts";
import type { Writer } from "./writer.ts";

/**
 * How the running gateway learns that another process (the CLI, another replica) changed
 * keys, models, prices or balances, so that its in-memory caches reload.
 *
 * SQLite: `poll()` is called as each request arrives and reads `PRAGMA data_version` (at
 * most once a millisecond), then the cache generation only when that moved: synchronous, no
 * new await on the request path. PostgreSQL: `poll()` reads nothing; `watch` polls the
 * generation row on a timer instead (store/pg-engine.ts).
 */
export interface ChangeSignal {
  /** Per request, synchronous: true when another process's change must be loaded now. */
  poll(): boolean;
  /**
   * Reads the marks a reload starts from (before its loads, so a change landing meanwhile
   * reloads once more); the returned function records them once the loads are done.
   */
  mark(): (() => void) | Promise<() => void>;
  /** Calls `onChange` when a change is found off the request path (PostgreSQL's poll). */
  watch(onChange: () => void): void;
  stop(): void;
}

/** Where the request path reads completed idempotent responses (limits/idempotency.ts IdempotencyRows). */
export type IdempotencyLookup = {
  find(keyId: string, idemKey: string): IdempotencyRow | undefined | Promise<IdempotencyRow | undefined>;
  purge(before: number): void | Promise<void>;
};

/**
 * The database engine, chosen once at the edges (boot.ts) from TOLLGATE_DB, and everything
 * the gateway needs that differs between engines. Nothing above it knows which one runs.
 */
export interface Engine {
  readonly kind: "sqlite" | "postgres";
  /** The books through the async queries (db/store.ts). */
  readonly store: Store;
  /** A new group commit on this engine's connection (SQLite: in-thread; PostgreSQL: PgWriter). */
  writer(): Writer;
  readonly changes: ChangeSignal;
  /** SQLite's prepared lookup (synchronous); PostgreSQL's Store.idempotency (promises). */
  readonly idempotencyRows: IdempotencyLookup;
  /** The database's details for /health's `database` component; throws when it cannot be read. */
  describe(): Record<string, unknown>;
  /** Whether an error means the database server cannot be reached (never on SQLite: a file is there or not). */
  unreachable(err: unknown): boolean;
  /** Closes the connection (SQLite) or the pool (PostgreSQL); after the writer closed. */
  close(): Promise<void>;
}
