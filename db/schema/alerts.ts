import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Each alert (an account below its threshold, a key at its limit) and its webhook delivery:
 * one row per alert, updated after every attempt, so the panel shows what was sent and how
 * the receiver answered.
 */
export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    id: text("id").primaryKey(),
    event: text("event", { enum: ["account.low_balance", "key.limit_reached", "test"] }).notNull(),
    /** The JSON body sent (and signed). */
    payload: text("payload").notNull(),
    url: text("url").notNull(),
    status: text("status", { enum: ["pending", "delivered", "stored", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** The receiver's HTTP status on the last attempt; null when it was not reached. */
    responseStatus: integer("response_status"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("alert_deliveries_time").on(t.createdAt)],
);
