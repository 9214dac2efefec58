import { DrizzleQueryError, getTableColumns, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { RowWrite } from "../../queries/writes.ts";
import { logRowCarries } from "../../queries/writes.ts";
import type { PgDb } from "../client.ts";
import { generatedMedia, idempotency, requestLog } from "../schema/index.ts";
import { READ_ONLY, serverAway, sqlState } from "../sql-state.ts";
import { type ChargeIn, type Settled, settledRows } from "./settle.ts";

/**
 * The group commit on PostgreSQL: the same entries the SQLite executor runs
 * (server/store/writes.ts, structurally), a whole batch committed by one statement,
 * `tollgate_commit_batch` (migration 0007): every charge through `tollgate_settle` (capped,
 * locked in a fixed order, idempotent), the rows (a request's log row carrying its charge:
 * one row per charged request), the log rows of capped charges, the keys' last uses. One statement is one round trip and commits on its own (no BEGIN or
 * COMMIT to send), and its reply comes after the commit. If the batch fails as a whole, each
 * entry runs again as its own statement, so one bad entry fails alone (as on SQLite).
 */
export type PgWrite = RowWrite | { charge: ChargeIn } | { touch: { keyId: string; at: number } };
export type PgEntry = PgWrite[];

export async function commitBatch(
  db: PgDb,
  entries: PgEntry[],
  retry = true,
): Promise<{ failed: [number, string][]; settled: Settled[] }> {
  try {
    return { failed: [], settled: await run(db, entries) };
  } catch (err) {
    if (!ownFault(err)) {
      // Once more: a pooled connection the server dropped (a restart) fails the first
      // statement sent on it, and the next one is a new connection. Still failing, the
      // connection is what is wrong: the batch fails as a whole (the writer's onFailure).
      // A reply lost after the commit is safe to run again: charges are idempotent by
      // ledger id, and the rows' keys refuse them twice.
      if (!retry) throw err;
      return commitBatch(db, entries, false);
    }
    if (entries.length === 1) return { failed: [[0, reason(err)]], settled: [] };
  }
  const failed: [number, string][] = [];
  const settled: Settled[] = [];
  for (const [i, entry] of entries.entries()) {
    try {
      settled.push(...(await run(db, [entry])));
    } catch (err) {
      if (!ownFault(err)) throw err;
      failed.push([i, reason(err)]);
    }
  }
  return { failed, settled };
}

async function run(db: PgDb, entries: PgEntry[]): Promise<Settled[]> {
  // One statement per batch, through Drizzle's sql`` (SQL stays in db/ as elsewhere); its
  // wrapper is taken off the error, so the batch's fallback still reads PostgreSQL's own code.
  try {
    return settledRows(
      await db.execute(sql`select * from tollgate_commit_batch(${batchJson(entries)}::text::jsonb)`),
    );
  } catch (err) {
    throw err instanceof DrizzleQueryError && err.cause ? err.cause : err;
  }
}

/**
 * The batch as the function reads it. Rows are keyed by column name, because each table's
 * own row type reads them (jsonb_populate_recordset): the columns of these tables are text,
 * bigint, boolean and jsonb, which JSON carries as they are (Drizzle's encoders for them
 * pass the value through).
 */
function batchJson(entries: PgEntry[]): string {
  const log: Record<string, unknown>[] = [];
  const media: Record<string, unknown>[] = [];
  // One row per key: two in one upsert fail the statement; on SQLite the later put wins.
  const idem = new Map<string, Record<string, unknown>>();
  const charges: ChargeIn[] = [];
  const touches: [string, number][] = [];
  for (const entry of entries)
    for (const w of entry) {
      if ("charge" in w) {
        // Carried by its request's log row in the same entry: one row, not two (migration 0007).
        const c = w.charge;
        const logged = entry.some(
          (r) => "op" in r && r.op === "request_log.insert" && logRowCarries(c, r.row),
        );
        charges.push(logged ? { ...c, logged } : c);
      } else if ("op" in w) {
        if (w.op === "request_log.insert") log.push(byColumn(LOG, w.row));
        else if (w.op === "idempotency.put")
          idem.set(`${w.row.keyId}\n${w.row.idemKey}`, byColumn(IDEM, w.row));
        else media.push(byColumn(MEDIA, w.row));
      } else touches.push([w.touch.keyId, w.touch.at]);
    }
  const batch: Record<string, unknown> = {};
  if (log.length > 0) batch.log = log;
  if (media.length > 0) batch.media = media;
  if (idem.size > 0) batch.idem = [...idem.values()];
  if (charges.length > 0) batch.charges = charges;
  if (touches.length > 0) batch.touches = touches;
  return withoutNul(JSON.stringify(batch));
}

/** A `\u0000` escape in JSON text: not itself escaped (preceded by an even run of backslashes). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * PostgreSQL's text cannot hold U+0000 and jsonb refuses its escape, while a client chooses
 * some of a log row's strings (a tool's type or an unknown field's name in `dropped_fields`,
 * a user id): one NUL would fail its entry's commit, and a streamed answer has already been
 * served by then, unbilled and unlogged. Each NUL is written as U+FFFD instead (SQLite keeps
 * it as sent). The scan runs only when the text has the escape at all.
 */
export function withoutNul(json: string): string {
  return json.includes("\\u0000") ? json.replace(NUL_ESCAPE, "$1\\ufffd") : json;
}

type Columns = [key: string, name: string, fallback: unknown][];

/** Each column's key in the row, its name in the table, and what an absent value becomes (its default, as Drizzle's insert would). */
function columnsOf(table: PgTable): Columns {
  return Object.entries(getTableColumns(table)).map(([key, col]) => [key, col.name, col.default ?? null]);
}
const LOG = columnsOf(requestLog);
const IDEM = columnsOf(idempotency);
const MEDIA = columnsOf(generatedMedia);

function byColumn(columns: Columns, row: object): Record<string, unknown> {
  const values = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, name, fallback] of columns) {
    const v = values[key];
    out[name] = v === undefined ? fallback : v;
  }
  return out;
}

/**
 * Whether the server refused the statement for what it carried (a constraint, a bad value):
 * the entry's own fault. Anything else (the connection lost or refused, the server shutting
 * down, a read-only server: a standby after a failover, SQLSTATE 25006) would fail every
 * entry alike.
 */
function ownFault(err: unknown): boolean {
  const state = sqlState(err);
  return state !== null && !serverAway(state) && state !== READ_ONLY;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
