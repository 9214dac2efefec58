import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { GeneratedMediaRow } from "../../queries/media.ts";
import type { RequestLogRow } from "../../queries/requests.ts";
import type { IdempotencyRow } from "../../queries/system.ts";
import type { RowWrite } from "../../queries/writes.ts";
import type { PgConn } from "../client.ts";
import { apiKeys, generatedMedia, idempotency, requestLog } from "../schema/index.ts";
import { type ChargeIn, type Settled, settleCharges } from "./settle.ts";

/**
 * The group commit on PostgreSQL: the same entries the SQLite executor runs
 * (server/store/writes.ts, structurally), committed in one transaction per batch. The
 * charges of the whole batch are one `tollgate_settle` call (capped, locked in a fixed
 * order, idempotent by ledger id), the rows are inserted with the schema's statements, and
 * keys' last uses are folded per batch. If the batch fails as a whole, it runs again with
 * each entry in its own savepoint, so one bad entry fails alone (as on SQLite).
 */
export type PgWrite = RowWrite | { charge: ChargeIn } | { touch: { keyId: string; at: number } };
export type PgEntry = PgWrite[];

export async function commitBatch(
  db: PgConn,
  entries: PgEntry[],
): Promise<{ failed: [number, string][]; settled: Settled[] }> {
  try {
    const settled = await db.transaction((tx) => applyAll(tx, entries));
    return { failed: [], settled };
  } catch {
    const failed: [number, string][] = [];
    const settled: Settled[] = [];
    await db.transaction(async (tx) => {
      for (const [i, entry] of entries.entries()) {
        try {
          // A nested transaction is a savepoint: a failed entry rolls back alone.
          settled.push(...(await tx.transaction(async (sp) => applyAll(sp, [entry]))));
        } catch (err) {
          failed.push([i, reason(err)]);
        }
      }
    });
    return { failed, settled };
  }
}

/**
 * One statement per table per batch, not per row: each statement is a round trip, and a
 * round trip costs the gateway more CPU than the rows it carries (bench/group-commit.ts).
 */
async function applyAll(tx: PgConn, entries: PgEntry[]): Promise<Settled[]> {
  const logRows: RequestLogRow[] = [];
  const idemRows: IdempotencyRow[] = [];
  const mediaRows: GeneratedMediaRow[] = [];
  const charges: ChargeIn[] = [];
  const touches = new Map<string, number>();
  for (const entry of entries)
    for (const w of entry) {
      if ("op" in w) {
        if (w.op === "request_log.insert") logRows.push(w.row);
        else if (w.op === "idempotency.put") idemRows.push(w.row);
        else mediaRows.push(w.row);
      } else if ("charge" in w) charges.push(w.charge);
      else touches.set(w.touch.keyId, Math.max(touches.get(w.touch.keyId) ?? 0, w.touch.at));
    }
  for (const rows of chunks(logRows)) await tx.insert(requestLog).values(rows);
  for (const rows of chunks(mediaRows)) await tx.insert(generatedMedia).values(rows);
  // Two puts under one key in a batch fail this statement ("cannot affect row a second
  // time"); the batch then runs entry by entry, where the later put wins, as on SQLite.
  for (const rows of chunks(idemRows))
    await tx
      .insert(idempotency)
      .values(rows)
      .onConflictDoUpdate({
        target: [idempotency.keyId, idempotency.idemKey],
        set: excludedExcept(idempotency, ["keyId", "idemKey"]),
      });
  // After the rows: a charge's ledger entry names its request, whose log row is in this batch.
  const settled = await settleCharges(tx, charges);
  // A charge PostgreSQL capped (another replica spent the money first): the request's row
  // says what was charged, as the ledger does. Rare, so one statement per capped charge.
  const asked = new Map(charges.map((c) => [c.ledgerId, c]));
  for (const s of settled) {
    const c = asked.get(s.ledgerId);
    if (c && s.charged < c.amount)
      await tx
        .update(requestLog)
        .set({ cost: s.charged })
        .where(sql`${requestLog.id} = ${c.requestId} and ${requestLog.cost} = ${c.amount}`);
  }
  for (const [keyId, at] of touches)
    await tx
      .update(apiKeys)
      .set({ lastUsedAt: sql`greatest(coalesce(${apiKeys.lastUsedAt}, 0), ${at})` })
      .where(sql`${apiKeys.id} = ${keyId}`);
  return settled;
}

/** Rows per statement: PostgreSQL takes at most 65,535 parameters (the request log has about 30 columns). */
const CHUNK = 1000;
function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

/** `SET col = excluded.col` for every column but `except`: an upsert that replaces the row. */
function excludedExcept<T extends PgTable>(table: T, except: string[]): Record<string, SQL> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table))
      .filter(([key]) => !except.includes(key))
      .map(([key, col]) => [key, sql`excluded.${sql.identifier(col.name)}`]),
  );
}

/** Drizzle wraps the server's error in "Failed query: <the statement>"; the cause says what went wrong. */
function reason(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
