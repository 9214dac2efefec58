import { and, count, desc, eq, getTableColumns, gt, gte, inArray, isNotNull, sql } from "drizzle-orm";
import {
  type AccountRow,
  type LedgerExportRow,
  type LedgerMove,
  type LedgerPageRow,
  type LedgerRow,
  openingEntry,
} from "../../queries/billing.ts";
import type { FullRow } from "../../queries/columns.ts";
import {
  type LedgerExportFilter,
  ledgerExportFields,
  ledgerExportWhere,
  mergedPage,
} from "../../queries/ledger-export.ts";
import type { accounts as sqliteAccounts } from "../../schema/index.ts";
import type { PgConn } from "../client.ts";
import {
  accounts,
  apiKeys,
  carriesCharge,
  ledger,
  ledgerEntries,
  loggedCharge,
  requestLog,
} from "../schema/index.ts";

/**
 * Accounts and their ledger on PostgreSQL: the twins of db/queries/billing.ts. Commit
 * order is `position`: ledger_entries' identity, whose sequence also numbers the log rows
 * that carry a charge (tollgate_settle, migration 0007). Every statement that moves a
 * balance bumps `version`, the order the replicas' balance mirror follows (docs/scale-out.md).
 */

/** The columns both engines have: `version` is PostgreSQL's own. */
const { version: _version, ...accountColumns } = getTableColumns(accounts);

/** sum() of bigint is numeric and max() a bigint, which Bun hands over as strings. */
const asNumber = (expr: ReturnType<typeof sql>) => sql<string | number>`${expr}`.mapWith(Number);

export const allAccounts = (db: PgConn): Promise<AccountRow[]> => db.select(accountColumns).from(accounts);

export const accountBalance = async (db: PgConn, id: string): Promise<number | undefined> =>
  (await db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, id)))[0]?.balance;

export const accountNamed = async (db: PgConn, name: string): Promise<{ id: string } | undefined> =>
  (await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, name)))[0];

export async function updateAccount(
  db: PgConn,
  id: string,
  set: Partial<Pick<AccountRow, "status" | "lowBalanceThreshold">>,
): Promise<AccountRow | undefined> {
  return (await db.update(accounts).set(set).where(eq(accounts.id, id)).returning(accountColumns))[0];
}

/**
 * Accounts, the ledger after `after` and its newest position from one snapshot
 * (REPEATABLE READ: every statement of the transaction sees the same commits).
 */
export function accountsSnapshot(db: PgConn, after: number | null) {
  return db.transaction(
    async (tx) => {
      const moves = after === null ? [] : await ledgerAfter(tx, after);
      return {
        rows: await allAccounts(tx),
        moves,
        position: moves.at(-1)?.position ?? (after === null ? await lastLedgerPosition(tx) : after),
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

export async function insertAccount(
  db: PgConn,
  account: FullRow<typeof sqliteAccounts>,
  opening: { id: string; note: string } | null,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(accounts).values(account);
    if (opening) await tx.insert(ledgerEntries).values(openingEntry(account, opening));
  });
}

export async function creditAccount(
  db: PgConn,
  entry: Omit<LedgerRow, "balanceAfter" | "keyId" | "requestId"> & {
    kind: Exclude<LedgerRow["kind"], "charge">;
  },
): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    // The ledger's commit-order lock before the account's row lock: tollgate_settle takes
    // them in this order too, so the two never wait on each other (migration 0005).
    await tx.execute(sql`select tollgate_ledger_lock()`);
    const [row] = await tx
      .update(accounts)
      .set({ balance: sql`${accounts.balance} + ${entry.amount}`, version: sql`${accounts.version} + 1` })
      .where(eq(accounts.id, entry.accountId))
      .returning({ balance: accounts.balance });
    if (!row) return undefined;
    await tx
      .insert(ledgerEntries)
      .values({ ...entry, balanceAfter: row.balance, keyId: null, requestId: null } satisfies LedgerRow);
    return row.balance;
  });
}

/**
 * The newest position: the highest of each half of the ledger view, each an index's last
 * entry (max() over the view reads every log row: its filtered half is not pulled up).
 */
export async function lastLedgerPosition(db: PgConn): Promise<number> {
  const [entries] = await db
    .select({ m: asNumber(sql`coalesce(max(${ledgerEntries.position}), 0)`) })
    .from(ledgerEntries);
  const [logged] = await db
    .select({ m: asNumber(sql`coalesce(max(${requestLog.position}), 0)`) })
    .from(requestLog)
    .where(isNotNull(requestLog.position));
  return Math.max(entries?.m ?? 0, logged?.m ?? 0);
}

/**
 * Entries after `position`, in position order. Positions are handed out in commit order
 * (migration 0005: one advisory lock per ledger-writing transaction, held to its commit),
 * so a reader polling this never sees a position before every lower one has landed.
 */
export async function ledgerAfter(db: PgConn, position: number): Promise<LedgerMove[]> {
  const rows = await db
    .select({
      position: ledger.position,
      id: ledger.id,
      accountId: ledger.accountId,
      kind: ledger.kind,
      amount: ledger.amount,
    })
    .from(ledger)
    .where(gt(ledger.position, position))
    .orderBy(ledger.position);
  return rows.map((r) => ({ ...r, position: r.position ?? 0 }));
}

export async function keysChargedSince(db: PgConn, since: number): Promise<Map<string, number>> {
  const rows = await db
    .select({ keyId: ledger.keyId, s: asNumber(sql`-sum(${ledger.amount})`) })
    .from(ledger)
    .where(and(gte(ledger.createdAt, since), eq(ledger.kind, "charge"), isNotNull(ledger.keyId)))
    .groupBy(ledger.keyId);
  return new Map(rows.map((r) => [r.keyId!, r.s]));
}

export async function keyChargedSince(
  db: PgConn,
  accountId: string,
  keyId: string,
  since: number,
): Promise<number> {
  const [row] = await db
    .select({ s: asNumber(sql`-coalesce(sum(${ledger.amount}), 0)`) })
    .from(ledger)
    .where(
      and(
        eq(ledger.accountId, accountId),
        gte(ledger.createdAt, since),
        eq(ledger.keyId, keyId),
        eq(ledger.kind, "charge"),
      ),
    );
  return row?.s ?? 0;
}

export async function chargedFor(db: PgConn, requestId: string): Promise<number> {
  const [row] = await db
    .select({ s: asNumber(sql`-coalesce(sum(${ledger.amount}), 0)`) })
    .from(ledger)
    .where(and(eq(ledger.requestId, requestId), eq(ledger.kind, "charge")));
  return row?.s ?? 0;
}

/** An account's ledger page, newest commit first (by `position`), with each charge's endpoint and model. */
export async function ledgerPage(
  db: PgConn,
  accountId: string,
  limit: number,
  offset: number,
  kinds: readonly LedgerRow["kind"][] | null = null,
): Promise<{ rows: LedgerPageRow[]; total: number }> {
  const where = kinds?.length
    ? and(eq(ledger.accountId, accountId), inArray(ledger.kind, [...kinds]))
    : eq(ledger.accountId, accountId);
  const [rows, [n]] = await Promise.all([
    db
      .select({
        id: ledger.id,
        kind: ledger.kind,
        amount: ledger.amount,
        balanceAfter: ledger.balanceAfter,
        createdAt: ledger.createdAt,
        keyId: ledger.keyId,
        requestId: ledger.requestId,
        note: ledger.note,
        endpoint: requestLog.endpoint,
        model: requestLog.model,
      })
      .from(ledger)
      .leftJoin(requestLog, eq(requestLog.id, ledger.requestId))
      .where(where)
      .orderBy(desc(ledger.position))
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(ledger).where(where),
  ]);
  return { rows, total: Number(n?.n ?? 0) };
}

/**
 * db/queries/billing.ts's export page, in `position` order (the commit order): each half of
 * the ledger view read in its index order (`mergedPage`), from one snapshot.
 */
export async function ledgerExportAfter(
  db: PgConn,
  f: LedgerExportFilter,
  after: number,
  size: number,
): Promise<LedgerExportRow[]> {
  const names = { accountName: accounts.name, keyName: apiKeys.name, model: requestLog.model };
  const logged = { accountId: requestLog.accountId, createdAt: requestLog.chargedAt };
  return db.transaction(
    async (tx) => {
      const entries = (await tx
        .select(ledgerExportFields(ledgerEntries, ledgerEntries.position, names))
        .from(ledgerEntries)
        .leftJoin(accounts, eq(accounts.id, ledgerEntries.accountId))
        .leftJoin(apiKeys, eq(apiKeys.id, ledgerEntries.keyId))
        .leftJoin(requestLog, eq(requestLog.id, ledgerEntries.requestId))
        .where(ledgerExportWhere(ledgerEntries, ledgerEntries.position, f, after))
        .orderBy(ledgerEntries.position)
        .limit(size)) as LedgerExportRow[];
      const charges = (await tx
        .select(ledgerExportFields(loggedCharge, requestLog.position, names))
        .from(requestLog)
        .leftJoin(accounts, eq(accounts.id, requestLog.accountId))
        .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
        .where(and(carriesCharge, ledgerExportWhere(logged, requestLog.position, f, after)))
        .orderBy(requestLog.position)
        .limit(size)) as LedgerExportRow[];
      return mergedPage(entries, charges, size);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
