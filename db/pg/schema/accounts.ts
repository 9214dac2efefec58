import { bigint, pgTable, text } from "drizzle-orm/pg-core";

/**
 * PostgreSQL twin of db/schema/accounts.ts (kept in lockstep by db/pg/schema.test.ts).
 * `version` is PostgreSQL's own: bumped by every statement that moves the balance, so the
 * Redis balance mirror of several replicas only ever accepts a newer balance (docs/scale-out.md).
 */
export const accounts = pgTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  balance: bigint("balance", { mode: "number" }).notNull().default(0),
  used: bigint("used", { mode: "number" }).notNull().default(0),
  configHash: text("config_hash"),
  status: text("status", { enum: ["active", "suspended"] })
    .notNull()
    .default("active"),
  lowBalanceThreshold: bigint("low_balance_threshold", { mode: "number" }),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  version: bigint("version", { mode: "number" }).notNull().default(0),
});
