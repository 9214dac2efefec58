import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Prepaid accounts. Money columns are integer nano-units of the deployment currency
 * (1e-9 of a dollar or rouble), so a price of 0.01 per 1M tokens is 10 units per token.
 * `balance` only moves through ledger entries; `used` is the lifetime sum of charges.
 */
export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  balance: integer("balance").notNull().default(0),
  used: integer("used").notNull().default(0),
  /** Hash of the tollgate.yaml declaration this row came from; null when made by the admin. */
  configHash: text("config_hash"),
  /** A suspended account's keys are refused (403 account_suspended) until it is resumed. */
  status: text("status", { enum: ["active", "suspended"] })
    .notNull()
    .default("active"),
  /** Below this balance (nano-units) the account is "running low": listed and alerted; null: never. */
  lowBalanceThreshold: integer("low_balance_threshold"),
  createdAt: integer("created_at").notNull(),
});
