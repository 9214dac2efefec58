import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, sqliteView, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";
import { requestLog } from "./requests.ts";

/**
 * Every movement of an account's balance that is not a request's own charge: top-ups,
 * refunds, adjustments, fees, a charge without a log row of its own, and every entry
 * written before a request's log row carried its charge (migration 0010). `amount` is
 * signed; `balance_after` is the balance once applied. `position` is the commit order,
 * shared with the log rows that carry a charge (`nextLedgerPosition`, db/queries/billing.ts);
 * an entry from before 0010 keeps its rowid as its position.
 */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    kind: text("kind", { enum: ["topup", "charge", "refund", "adjustment", "fee"] }).notNull(),
    amount: integer("amount").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    keyId: text("key_id"),
    requestId: text("request_id"),
    note: text("note"),
    createdAt: integer("created_at").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    index("ledger_account_time").on(t.accountId, t.createdAt),
    uniqueIndex("ledger_entries_position").on(t.position),
  ],
);

/** Which log rows carry their request's charge. */
export const carriesCharge = sql`${requestLog.balanceAfter} IS NOT NULL`;

/** A log row's charge in the ledger's columns: the view's second half (and SQLite's export pages). */
export const loggedCharge = {
  id: sql<string>`${requestLog.ledgerId}`.as("id"),
  accountId: sql<string>`${requestLog.accountId}`.as("account_id"),
  kind: sql<"charge">`'charge'`.as("kind"),
  amount: sql<number>`-${requestLog.cost}`.mapWith(Number).as("amount"),
  balanceAfter: sql<number>`${requestLog.balanceAfter}`.mapWith(Number).as("balance_after"),
  keyId: requestLog.keyId,
  requestId: sql<string>`${requestLog.id}`.as("request_id"),
  note: sql<string | null>`NULL`.as("note"),
  createdAt: sql<number>`${requestLog.chargedAt}`.mapWith(Number).as("created_at"),
  position: sql<number>`${requestLog.position}`.mapWith(Number).as("position"),
};

/**
 * The ledger as every reader sees it: the entries above, and each request's charge as its
 * log row carries it (`balance_after` set: one row per charged request, not two). A log row
 * from before migration 0010 has no `balance_after` (its charge is an entry above), so
 * nothing is counted twice. Read-only for the
 * gateway (writes go to ledger_entries or the log row); a trigger takes an `INSERT INTO
 * ledger` from other tools into ledger_entries.
 */
export const ledger = sqliteView("ledger").as((qb) =>
  qb
    .select({
      id: ledgerEntries.id,
      accountId: ledgerEntries.accountId,
      kind: ledgerEntries.kind,
      amount: ledgerEntries.amount,
      balanceAfter: ledgerEntries.balanceAfter,
      keyId: ledgerEntries.keyId,
      requestId: ledgerEntries.requestId,
      note: ledgerEntries.note,
      createdAt: ledgerEntries.createdAt,
      position: ledgerEntries.position,
    })
    .from(ledgerEntries)
    .unionAll(qb.select(loggedCharge).from(requestLog).where(carriesCharge)),
);
