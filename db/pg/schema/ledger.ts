import { sql } from "drizzle-orm";
import { bigint, index, pgTable, pgView, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { requestLog } from "./requests.ts";

/**
 * PostgreSQL twin of db/schema/ledger.ts. `position` is the commit order; here an identity
 * column (migration 0005 hands it out in commit order), whose sequence also numbers the
 * log rows that carry a charge (tollgate_commit_batch, migration 0007).
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    kind: text("kind", { enum: ["topup", "charge", "refund", "adjustment", "fee"] }).notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    balanceAfter: bigint("balance_after", { mode: "number" }).notNull(),
    keyId: text("key_id"),
    requestId: text("request_id"),
    note: text("note"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    position: bigint("position", { mode: "number" }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    index("ledger_account_time").on(t.accountId, t.createdAt),
    uniqueIndex("ledger_entries_position").on(t.position),
  ],
);

/** Which log rows carry their request's charge. */
export const carriesCharge = sql`${requestLog.balanceAfter} IS NOT NULL`;

/** A log row's charge in the ledger's columns: the view's second half (and the export's pages). */
export const loggedCharge = {
  id: sql<string>`${requestLog.ledgerId}`.as("id"),
  accountId: sql<string>`${requestLog.accountId}`.as("account_id"),
  kind: sql<"charge">`'charge'::text`.as("kind"),
  amount: sql<number>`-${requestLog.cost}`.mapWith(Number).as("amount"),
  balanceAfter: sql<number>`${requestLog.balanceAfter}`.mapWith(Number).as("balance_after"),
  keyId: requestLog.keyId,
  requestId: sql<string>`${requestLog.id}`.as("request_id"),
  note: sql<string | null>`NULL::text`.as("note"),
  createdAt: sql<number>`${requestLog.chargedAt}`.mapWith(Number).as("created_at"),
  position: sql<number>`${requestLog.position}`.mapWith(Number).as("position"),
};

/** The ledger view: db/schema/ledger.ts says why. */
export const ledger = pgView("ledger").as((qb) =>
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
