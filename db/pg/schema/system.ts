import { bigint, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { jsonb } from "./json.ts";

/** PostgreSQL twin of db/schema/system.ts. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const idempotency = pgTable(
  "idempotency",
  {
    keyId: text("key_id").notNull(),
    idemKey: text("idem_key").notNull(),
    bodyHash: text("body_hash").notNull(),
    status: bigint("status", { mode: "number" }).notNull(),
    headers: jsonb<Record<string, string>>("headers").notNull(),
    body: text("body").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.idemKey] })],
);
