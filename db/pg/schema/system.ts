import { bigint, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

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
    headers: jsonb("headers").$type<Record<string, string>>().notNull(),
    body: text("body").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.idemKey] })],
);
