import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { jsonb } from "./json.ts";

/** PostgreSQL twin of db/schema/keys.ts. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull().unique(),
    status: text("status", { enum: ["active", "suspended", "revoked"] })
      .notNull()
      .default("active"),
    rpmLimit: bigint("rpm_limit", { mode: "number" }),
    dailyRequestLimit: bigint("daily_request_limit", { mode: "number" }),
    spendLimit: bigint("spend_limit", { mode: "number" }),
    used: bigint("used", { mode: "number" }).notNull().default(0),
    budgetPeriod: text("budget_period", { enum: ["daily", "weekly", "monthly"] }),
    models: jsonb<string[] | null>("models"),
    expiresAt: bigint("expires_at", { mode: "number" }),
    lastUsedAt: bigint("last_used_at", { mode: "number" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [index("api_keys_account").on(t.accountId)],
);
