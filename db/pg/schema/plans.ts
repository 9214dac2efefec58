import { bigint, boolean, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { jsonb } from "./json.ts";

/** PostgreSQL twin of db/schema/plans.ts. */
export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  isDefault: boolean("is_default").notNull().default(false),
  requestsPerMinute: bigint("requests_per_minute", { mode: "number" }),
  requestsPerDay: bigint("requests_per_day", { mode: "number" }),
  tokensPerDay: bigint("tokens_per_day", { mode: "number" }),
  concurrentRequests: bigint("concurrent_requests", { mode: "number" }),
  models: jsonb<string[] | null>("models"),
  priceMultiplierPpm: bigint("price_multiplier_ppm", { mode: "number" }).notNull().default(1_000_000),
  monthlyFee: bigint("monthly_fee", { mode: "number" }).notNull().default(0),
  configHash: text("config_hash"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

export const accountPlans = pgTable("account_plans", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id),
  planId: text("plan_id")
    .notNull()
    .references(() => plans.id),
  periodStart: bigint("period_start", { mode: "number" }).notNull(),
  assignedAt: bigint("assigned_at", { mode: "number" }).notNull(),
  lapsedPlanId: text("lapsed_plan_id"),
  lapsedAt: bigint("lapsed_at", { mode: "number" }),
});
