import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { Conn, Db } from "../client.ts";
import {
  accounts,
  apiKeys,
  carriesCharge,
  ledger,
  ledgerEntries,
  loggedCharge,
  requestLog,
} from "../schema/index.ts";
import { type FullRow, insertEveryColumn, lazy } from "./columns.ts";
import {
  type LedgerExportFilter,
  ledgerExportFields,
  ledgerExportWhere,
  mergedPage,
} from "./ledger-export.ts";

/**
 * Accounts and their ledger (db/schema/accounts.ts, ledger.ts): the batched charge the
 * group commit runs, the account book's load and refresh, top-ups, the transactions page.
 *
 * The ledger is read from its view (ledger_entries and the log rows that carry a charge)
 * in commit order, `position`: one counter over both tables, taken inside the writer's
 * IMMEDIATE transaction (`nextLedgerPosition`), so no other writer can take the same one.
 */

/** A ledger entry as written to ledger_entries, but its position (the writer takes it). */
export type LedgerRow = Omit<FullRow<typeof ledgerEntries>, "position">;
export type AccountRow = typeof accounts.$inferSelect;

/**
 * The statements of a batched charge, prepared on first use on the connection that runs
 * the batch (server/store/charge-batch.ts folds the account and key rows per batch).
 */
export type ChargeStatements = {
  balance(accountId: string): number | undefined;
  /** Sets the balance and adds `spent` to the account's lifetime spend. */
  saveAccount(accountId: string, balance: number, spent: number): void;
  /** Adds `spent` to the key's spend and moves its last use forward to `at` (never back). */
  saveKey(keyId: string, spent: number, at: number): void;
  /** The next free position in the ledger's commit order (read once per batch). */
  nextPosition(): number;
  /** A charge without a log row of its own in the batch: an entry of ledger_entries. */
  insertLedger(row: FullRow<typeof ledgerEntries>): void;
};

/**
 * The next position in the ledger's commit order: one past the highest of ledger_entries
 * and of the log rows that carry a charge (each an index's last entry). Call it inside the
 * write transaction that takes the position (IMMEDIATE: no other writer runs meanwhile).
 */
export function nextLedgerPosition(db: Conn): number {
  return Math.max(topEntry(db).get()?.m ?? 0, topLogged(db).get()?.m ?? 0) + 1;
}

/** The highest position of ledger_entries, and of the log rows that carry a charge (each its index's last entry). */
const topEntry = (db: Conn) =>
  db.select({ m: sql<number | null>`max(${ledgerEntries.position})` }).from(ledgerEntries);
const topLogged = (db: Conn) =>
  db
    .select({ m: sql<number | null>`max(${requestLog.position})` })
    .from(requestLog)
    .where(isNotNull(requestLog.position));

export function prepareCharges(db: Conn): ChargeStatements {
  const balance = lazy(() =>
    db
      .select({ balance: accounts.balance })
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder("id")))
      .prepare(),
  );
  const saveAccount = lazy(() =>
    db
      .update(accounts)
      .set({
        balance: sql`${sql.placeholder("balance")}`,
        used: sql`${accounts.used} + ${sql.placeholder("spent")}`,
      })
      .where(eq(accounts.id, sql.placeholder("id")))
      .prepare(),
  );
  const saveKey = lazy(() =>
    db
      .update(apiKeys)
      .set({
        used: sql`${apiKeys.used} + ${sql.placeholder("spent")}`,
        // Scalar max() is SQLite's; PostgreSQL spells it greatest().
        lastUsedAt: sql`max(coalesce(${apiKeys.lastUsedAt}, 0), ${sql.placeholder("at")})`,
      })
      .where(eq(apiKeys.id, sql.placeholder("id")))
      .prepare(),
  );
  const insertLedger = lazy(() => insertEveryColumn(db, ledgerEntries));
  // Once per batch: prepared, as the batch's other statements (building it cost about 1 µs per request).
  const tops = lazy(() => [topEntry(db).prepare(), topLogged(db).prepare()] as const);
  return {
    balance: (id) => balance().get({ id })?.balance,
    saveAccount: (id, balance, spent) => void saveAccount().run({ id, balance, spent }),
    saveKey: (id, spent, at) => void saveKey().run({ id, spent, at }),
    nextPosition: () => Math.max(...tops().map((q) => q.get()?.m ?? 0)) + 1,
    insertLedger: (row) => insertLedger()(row),
  };
}

export function allAccounts(db: Conn): AccountRow[] {
  return db.select().from(accounts).all();
}

export function accountBalance(db: Conn, accountId: string): number | undefined {
  return db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, accountId)).get()
    ?.balance;
}

/** Sets an account's status or low-balance threshold; the row after it, or undefined for an unknown id. */
export function updateAccount(
  db: Conn,
  id: string,
  set: Partial<Pick<AccountRow, "status" | "lowBalanceThreshold">>,
): AccountRow | undefined {
  return db.update(accounts).set(set).where(eq(accounts.id, id)).returning().get();
}

/**
 * What each key was charged since `since` (positive; a key charged nothing is absent): the
 * key store seeds its budget periods' spend from it at load, one read per period length.
 */
export function keysChargedSince(db: Conn, since: number): Map<string, number> {
  const rows = db
    .select({ keyId: ledger.keyId, s: sql<number>`-sum(${ledger.amount})`.mapWith(Number) })
    .from(ledger)
    .where(and(gte(ledger.createdAt, since), eq(ledger.kind, "charge"), isNotNull(ledger.keyId)))
    .groupBy(ledger.keyId)
    .all();
  return new Map(rows.map((r) => [r.keyId!, r.s]));
}

/** What one key was charged since `since` (positive), from the ledger: a budget period's spend after a restart. */
export function keyChargedSince(db: Conn, accountId: string, keyId: string, since: number): number {
  return (
    db
      .select({ s: sql<number>`-coalesce(sum(${ledger.amount}), 0)`.mapWith(Number) })
      .from(ledger)
      .where(
        and(
          eq(ledger.accountId, accountId),
          gte(ledger.createdAt, since),
          eq(ledger.keyId, keyId),
          eq(ledger.kind, "charge"),
        ),
      )
      .get()?.s ?? 0
  );
}

export function accountNamed(db: Conn, name: string): { id: string } | undefined {
  return db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, name)).get();
}

/** The newest ledger entry's position in commit order (0 for an empty ledger). */
export function lastLedgerPosition(db: Conn): number {
  return nextLedgerPosition(db) - 1;
}

export type LedgerMove = {
  position: number;
  id: string;
  accountId: string;
  kind: LedgerRow["kind"];
  amount: number;
};

/** Ledger entries committed after `position`, in commit order. */
export function ledgerAfter(db: Conn, position: number): LedgerMove[] {
  const pos = ledger.position;
  return db
    .select({
      position: pos,
      id: ledger.id,
      accountId: ledger.accountId,
      kind: ledger.kind,
      amount: ledger.amount,
    })
    .from(ledger)
    .where(gt(pos, position))
    .orderBy(pos)
    .all();
}

/** The ledger entry of an account's opening balance (both dialects write it). */
export const openingEntry = (
  account: Pick<AccountRow, "id" | "balance" | "createdAt">,
  opening: { id: string; note: string },
): LedgerRow => ({
  id: opening.id,
  accountId: account.id,
  kind: "topup",
  amount: account.balance,
  balanceAfter: account.balance,
  keyId: null,
  requestId: null,
  note: opening.note,
  createdAt: account.createdAt,
});

/** Accounts, the ledger after `after` and its newest position, in one read transaction (db/store.ts). */
export function accountsSnapshot(db: Db, after: number | null) {
  return db.transaction((tx) => {
    const moves = after === null ? [] : ledgerAfter(tx, after);
    return {
      rows: allAccounts(tx),
      moves,
      position: moves.at(-1)?.position ?? (after === null ? lastLedgerPosition(tx) : after),
    };
  });
}

/** A new account and, for a non-zero opening balance, its opening top-up, in one transaction. */
export function insertAccount(
  db: Conn,
  account: FullRow<typeof accounts>,
  opening: { id: string; note: string } | null,
): void {
  db.transaction(
    (tx) => {
      tx.insert(accounts).values(account).run();
      if (opening)
        tx.insert(ledgerEntries)
          .values({ ...openingEntry(account, opening), position: nextLedgerPosition(tx) })
          .run();
    },
    { behavior: "immediate" },
  );
}

/**
 * Moves a balance by a signed amount and writes its ledger entry, in one transaction;
 * returns the balance after it, or undefined when the account does not exist.
 */
export function creditAccount(
  db: Conn,
  entry: Omit<LedgerRow, "balanceAfter" | "keyId" | "requestId"> & {
    kind: Exclude<LedgerRow["kind"], "charge">;
  },
): number | undefined {
  return db.transaction(
    (tx) => {
      const row = tx
        .update(accounts)
        .set({ balance: sql`${accounts.balance} + ${entry.amount}` })
        .where(eq(accounts.id, entry.accountId))
        .returning({ balance: accounts.balance })
        .get();
      if (!row) return undefined;
      tx.insert(ledgerEntries)
        .values({
          ...({ ...entry, balanceAfter: row.balance, keyId: null, requestId: null } satisfies LedgerRow),
          position: nextLedgerPosition(tx),
        })
        .run();
      return row.balance;
    },
    { behavior: "immediate" },
  );
}

/** One entry of an account's ledger page, with its request's endpoint and model (charges). */
export type LedgerPageRow = Omit<LedgerRow, "accountId"> & { endpoint: string | null; model: string | null };

/** An account's ledger page, newest commit first, with the endpoint and model of each charge's request. */
export function ledgerPage(
  db: Conn,
  accountId: string,
  limit: number,
  offset: number,
  kinds: readonly LedgerRow["kind"][] | null = null,
): { rows: LedgerPageRow[]; total: number } {
  const where = kinds?.length
    ? and(eq(ledger.accountId, accountId), inArray(ledger.kind, [...kinds]))
    : eq(ledger.accountId, accountId);
  const rows = db
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
    // Commit order: a charge settled before a top-up may commit after it, and
    // balance_after follows the order of commits.
    .orderBy(desc(ledger.position))
    .limit(limit)
    .offset(offset)
    .all();
  const total = db.select({ n: count() }).from(ledger).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** What was charged for one request (positive), from the ledger. */
export function chargedFor(db: Conn, requestId: string): number {
  return (
    db
      .select({ s: sql<number>`-coalesce(sum(${ledger.amount}), 0)`.mapWith(Number) })
      .from(ledger)
      .where(and(eq(ledger.requestId, requestId), eq(ledger.kind, "charge")))
      .get()?.s ?? 0
  );
}

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
 * One export page: up to `size` ledger entries (db/schema/ledger.ts) after `after` in commit
 * order (`position`: the order balance_after follows), of one account or all, in a time
 * range. Each page is its own read resuming after the last position, so an export never
 * holds the range at once. SQLite sorts the ledger view's union as a whole before a LIMIT
 * (every entry after `after`, each page: quadratic over an export), so the page reads each
 * half in its own index order (`mergedPage`), in one read transaction: one snapshot, as a
 * commit between the two reads could otherwise be half seen.
 */
export function ledgerExportAfter(
  db: Conn,
  f: LedgerExportFilter,
  after: number,
  size: number,
): LedgerExportRow[] {
  const names = { accountName: accounts.name, keyName: apiKeys.name, model: requestLog.model };
  const logged = { accountId: requestLog.accountId, createdAt: requestLog.chargedAt };
  return db.transaction((tx) => {
    const entries = tx
      .select(ledgerExportFields(ledgerEntries, ledgerEntries.position, names))
      .from(ledgerEntries)
      .leftJoin(accounts, eq(accounts.id, ledgerEntries.accountId))
      .leftJoin(apiKeys, eq(apiKeys.id, ledgerEntries.keyId))
      .leftJoin(requestLog, eq(requestLog.id, ledgerEntries.requestId))
      .where(ledgerExportWhere(ledgerEntries, ledgerEntries.position, f, after))
      .orderBy(asc(ledgerEntries.position))
      .limit(size)
      .all() as LedgerExportRow[];
    const charges = tx
      .select(ledgerExportFields(loggedCharge, requestLog.position, names))
      .from(requestLog)
      .leftJoin(accounts, eq(accounts.id, requestLog.accountId))
      .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
      .where(and(carriesCharge, ledgerExportWhere(logged, requestLog.position, f, after)))
      .orderBy(asc(requestLog.position))
      .limit(size)
      .all() as LedgerExportRow[];
    return mergedPage(entries, charges, size);
  });
}
