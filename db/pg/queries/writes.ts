import { sql } from "drizzle-orm";
import type { RowWrite } from "../../queries/writes.ts";
import type { PgConn } from "../client.ts";
import { apiKeys, generatedMedia, idempotency, requestLog } from "../schema/index.ts";
import { type ChargeIn, settleCharges } from "./settle.ts";

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

export async function commitBatch(db: PgConn, entries: PgEntry[]): Promise<{ failed: [number, string][] }> {
  try {
    await db.transaction(async (tx) => {
      await applyAll(tx, entries);
    });
    return { failed: [] };
  } catch {
    const failed: [number, string][] = [];
    await db.transaction(async (tx) => {
      const ok: PgEntry[] = [];
      for (const [i, entry] of entries.entries()) {
        try {
          // A nested transaction is a savepoint: a failed entry rolls back alone.
          await tx.transaction(async (sp) => applyAll(sp, [entry]));
          ok.push(entry);
        } catch (err) {
          failed.push([i, reason(err)]);
        }
      }
      return ok;
    });
    return { failed };
  }
}

async function applyAll(tx: PgConn, entries: PgEntry[]): Promise<void> {
  const charges: ChargeIn[] = [];
  const touches = new Map<string, number>();
  for (const entry of entries)
    for (const w of entry) {
      if ("op" in w) await insertRow(tx, w);
      else if ("charge" in w) charges.push(w.charge);
      else touches.set(w.touch.keyId, Math.max(touches.get(w.touch.keyId) ?? 0, w.touch.at));
    }
  // After the rows: a charge's ledger entry names its request, whose log row is in this batch.
  await settleCharges(tx, charges);
  for (const [keyId, at] of touches)
    await tx
      .update(apiKeys)
      .set({ lastUsedAt: sql`greatest(coalesce(${apiKeys.lastUsedAt}, 0), ${at})` })
      .where(sql`${apiKeys.id} = ${keyId}`);
}

async function insertRow(tx: PgConn, w: RowWrite): Promise<void> {
  switch (w.op) {
    case "request_log.insert":
      await tx.insert(requestLog).values(w.row);
      return;
    case "idempotency.put": {
      const { keyId: _k, idemKey: _i, ...rest } = w.row;
      await tx
        .insert(idempotency)
        .values(w.row)
        .onConflictDoUpdate({ target: [idempotency.keyId, idempotency.idemKey], set: rest });
      return;
    }
    case "generated_media.insert":
      await tx.insert(generatedMedia).values(w.row);
      return;
  }
}

/** Drizzle wraps the server's error in "Failed query: <the statement>"; the cause says what went wrong. */
function reason(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
