import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

/** Every movement of an account's balance. `amount` is signed; `balance_after` is the balance once applied. */
export const ledger = sqliteTable(
  "ledger",
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
  },
  (t) => [index("ledger_account_time").on(t.accountId, t.createdAt)],
);
