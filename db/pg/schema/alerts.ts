import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";

/** PostgreSQL twin of db/schema/alerts.ts. */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: text("id").primaryKey(),
    event: text("event", { enum: ["account.low_balance", "key.limit_reached", "test"] }).notNull(),
    payload: text("payload").notNull(),
    url: text("url").notNull(),
    status: text("status", { enum: ["pending", "delivered", "stored", "failed"] }).notNull(),
    attempts: bigint("attempts", { mode: "number" }).notNull().default(0),
    responseStatus: bigint("response_status", { mode: "number" }),
    lastError: text("last_error"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("alert_deliveries_time").on(t.createdAt)],
);
