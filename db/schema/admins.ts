import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** People who sign in to the admin panel. Passwords are Bun.password (argon2id) hashes. */
export const adminUsers = sqliteTable("admin_users", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  lastLoginAt: integer("last_login_at"),
});

/**
 * Admin panel sessions. Only the SHA-256 of the cookie's token is stored. `userId` is
 * null for a session opened with the admin token.
 */
export const adminSessions = sqliteTable(
  "admin_sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id").references(() => adminUsers.id, { onDelete: "cascade" }),
    /**
     * For a session opened with the admin token: a fingerprint of that token's hash. When
     * the admin token changes, sessions opened with the old one no longer match and end.
     */
    tokenFingerprint: text("token_fingerprint"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("admin_sessions_expiry").on(t.expiresAt)],
);
