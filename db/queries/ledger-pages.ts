import { and, asc, eq, gt, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { accounts, apiKeys, ledger, requestLog } from "../schema/index.ts";

export type LedgerExportRow = {
  seq: number;
  id: string;
  createdAt: number;
  accountId: string;
  accountName: string | null;
  kind: string;
  amount: number;
  balanceAfter: number;
  keyId: string | null;
  keyName: string | null;
  requestId: string | null;
  model: string | null;
  note: string | null;
};

/**
 * Ledger entries (db/schema/ledger.ts) in commit order (rowid: the order balance_after
 * follows), of one account or all, in a time range, `size` at a time: each page is its
 * own query resuming after the last rowid, so an export never holds the range at once.
 */
export function* ledgerPages(
  db: Db,
  f: { accountId?: string; from?: number; to?: number },
  size = 1000,
): Generator<LedgerExportRow[]> {
  const rowid = sql<number>`${ledger}.rowid`.mapWith(Number);
  const w: SQL[] = [];
  if (f.accountId) w.push(eq(ledger.accountId, f.accountId));
  if (f.from !== undefined) w.push(gte(ledger.createdAt, f.from));
  if (f.to !== undefined) w.push(lt(ledger.createdAt, f.to));
  let after = 0;
  for (;;) {
    const rows = db
      .select({
        seq: rowid,
        id: ledger.id,
        createdAt: ledger.createdAt,
        accountId: ledger.accountId,
        accountName: accounts.name,
        kind: ledger.kind,
        amount: ledger.amount,
        balanceAfter: ledger.balanceAfter,
        keyId: ledger.keyId,
        keyName: apiKeys.name,
        requestId: ledger.requestId,
        model: requestLog.model,
        note: ledger.note,
      })
      .from(ledger)
      .leftJoin(accounts, eq(accounts.id, ledger.accountId))
      .leftJoin(apiKeys, eq(apiKeys.id, ledger.keyId))
      .leftJoin(requestLog, eq(requestLog.id, ledger.requestId))
      .where(and(...w, gt(rowid, after)))
      .orderBy(asc(rowid))
      .limit(size)
      .all();
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.seq;
  }
}
