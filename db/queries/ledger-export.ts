import { and, type Column, eq, gte, lt, type SQL, sql } from "drizzle-orm";

/**
 * The ledger export's filter and columns over either schema (db/schema, db/pg/schema),
 * written once: `seq` is the commit order, SQLite's rowid or PostgreSQL's `position`.
 */

export type LedgerExportFilter = { accountId?: string; from?: number; to?: number };

type LedgerCols = {
  id: Column;
  createdAt: Column;
  accountId: Column;
  kind: Column;
  amount: Column;
  balanceAfter: Column;
  keyId: Column;
  requestId: Column;
  note: Column;
};

/** The page's condition: the filter, and past `after` in commit order. */
export function ledgerExportWhere(l: LedgerCols, seq: SQL | Column, f: LedgerExportFilter, after: number) {
  const w: SQL[] = [sql`${seq} > ${after}`];
  if (f.accountId) w.push(eq(l.accountId, f.accountId));
  if (f.from !== undefined) w.push(gte(l.createdAt, f.from));
  if (f.to !== undefined) w.push(lt(l.createdAt, f.to));
  return and(...w);
}

/** The selected columns (the names come from the joined accounts, keys and request log). */
export const ledgerExportFields = <
  L extends LedgerCols,
  S,
  A extends Column,
  K extends Column,
  M extends Column,
>(
  l: L,
  seq: S,
  names: { accountName: A; keyName: K; model: M },
) => ({
  seq,
  id: l.id as L["id"],
  createdAt: l.createdAt as L["createdAt"],
  accountId: l.accountId as L["accountId"],
  accountName: names.accountName,
  kind: l.kind as L["kind"],
  amount: l.amount as L["amount"],
  balanceAfter: l.balanceAfter as L["balanceAfter"],
  keyId: l.keyId as L["keyId"],
  keyName: names.keyName,
  requestId: l.requestId as L["requestId"],
  model: names.model,
  note: l.note as L["note"],
});
