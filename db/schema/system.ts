import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Small key/value settings (the admin token's hash lives here). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Completed idempotent responses, kept 24 h. Written in the same transaction as the
 * charge, so a stored replay exists exactly when the call was billed.
 */
export const idempotency = sqliteTable(
  "idempotency",
  {
    keyId: text("key_id").notNull(),
    idemKey: text("idem_key").notNull(),
    bodyHash: text("body_hash").notNull(),
    status: integer("status").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.idemKey] })],
);
