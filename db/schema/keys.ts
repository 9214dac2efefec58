import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

/** Client API keys. Only the SHA-256 of the key and a short visible prefix are stored. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull().unique(),
    /** Suspended is reversible (resume sets it active again); revoked is for good. */
    status: text("status", { enum: ["active", "suspended", "revoked"] })
      .notNull()
      .default("active"),
    rpmLimit: integer("rpm_limit"),
    dailyRequestLimit: integer("daily_request_limit"),
    /** Own spend cap in nano-units; null means the key spends from the account without a cap. */
    spendLimit: integer("spend_limit"),
    used: integer("used").notNull().default(0),
    /**
     * When set, `spend_limit` caps the spend since the current period began (UTC day, ISO
     * week from Monday, calendar month) instead of the lifetime spend (LiteLLM's budget_duration).
     */
    budgetPeriod: text("budget_period", { enum: ["daily", "weekly", "monthly"] }),
    /** JSON array of public model ids the key may use; null means every enabled model. */
    models: text("models", { mode: "json" }).$type<string[] | null>(),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("api_keys_account").on(t.accountId)],
);
