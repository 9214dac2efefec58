import { and, type Column, eq, gte, lt, type SQL, sql } from "drizzle-orm";

/**
 * The ledger export's filter and columns over either schema (db/schema, db/pg/schema),
 * written once: `seq` is the commit order, `position`.
 */

export type LedgerExportFilter = { accountId?: string; from?: number; to?: number };

type LedgerCols = {
  id: Column | SQL.Aliased;
  createdAt: Column | SQL.Aliased;
  accountId: Column | SQL.Aliased;
  kind: Column | SQL.Aliased;
  amount: Column | SQL.Aliased;
  balanceAfter: Column | SQL.Aliased;
  keyId: Column | SQL.Aliased;
  requestId: Column | SQL.Aliased;
  note: Column | SQL.Aliased;
};

/** The page's condition: the filter, and past `after` in commit order. */
export function ledgerExportWhere(
  l: { accountId: Column; createdAt: Column },
  seq: SQL | Column,
  f: LedgerExportFilter,
  after: number,
) {
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

/**
 * A page of the ledger view read as its two halves (ledger_entries, and the log rows that
 * carry a charge), each in commit order up to `size`: the first `size` of both, merged.
 * Read so because neither engine takes a LIMIT through the view's union in index order
 * (SQLite sorts the whole union; PostgreSQL cannot pull a filtered UNION ALL arm up).
 */
export const mergedPage = <R extends { seq: number }>(entries: R[], charges: R[], size: number): R[] =>
  [...entries, ...charges].sort((a, b) => a.seq - b.seq).slice(0, size);
