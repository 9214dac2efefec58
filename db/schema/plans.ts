import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";

/**
 * Named limit sets (server/plans). A null limit is no limit. The price multiplier is in
 * millionths (1_000_000: list prices), the monthly fee in nano-units like every amount.
 */
export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** The plan new sign-ups get and accounts fall back to when a fee cannot be paid (at most one). */
  isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
  requestsPerMinute: integer("requests_per_minute"),
  requestsPerDay: integer("requests_per_day"),
  tokensPerDay: integer("tokens_per_day"),
  concurrentRequests: integer("concurrent_requests"),
  /** JSON array of public model ids; null: every model. */
  models: text("models", { mode: "json" }).$type<string[] | null>(),
  priceMultiplierPpm: integer("price_multiplier_ppm").notNull().default(1_000_000),
  monthlyFee: integer("monthly_fee").notNull().default(0),
  /** Hash of the tollgate.yaml declaration this row came from; null when made by the admin. */
  configHash: text("config_hash"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Which plan an account is on. An account without a row has no plan (its keys' own
 * limits only). `periodStart` is the UTC month the fee was last paid for: when a new
 * month starts the fee is charged again, or the account falls back to the default plan
 * (`lapsed*` say from which plan, and when).
 */
export const accountPlans = sqliteTable("account_plans", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id),
  planId: text("plan_id")
    .notNull()
    .references(() => plans.id),
  periodStart: integer("period_start").notNull(),
  assignedAt: integer("assigned_at").notNull(),
  lapsedPlanId: text("lapsed_plan_id"),
  lapsedAt: integer("lapsed_at"),
});
