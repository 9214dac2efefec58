import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";

/**
 * PostgreSQL twin of db/schema/ledger.ts. `position` is the commit order SQLite reads
 * from `rowid`; PostgreSQL has no rowid, so it is an identity column here.
 */
export const ledger = pgTable(
  "ledger",
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
  (t) => [index("ledger_account_time").on(t.accountId, t.createdAt)],
);
