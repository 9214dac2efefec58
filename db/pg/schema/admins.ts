import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";

/** PostgreSQL twin of db/schema/admins.ts. */
export const adminUsers = pgTable("admin_users", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  lastLoginAt: bigint("last_login_at", { mode: "number" }),
});

export const adminSessions = pgTable(
  "admin_sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id").references(() => adminUsers.id, { onDelete: "cascade" }),
    tokenFingerprint: text("token_fingerprint"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("admin_sessions_expiry").on(t.expiresAt)],
);
