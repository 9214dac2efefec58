import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";
import { apiKeys } from "./keys.ts";

/**
 * People who sign in with an e-mail code (server/identity). Not the panel's admins
 * (admin_users): a user reaches only the accounts they are a member of. `email` is
 * stored normalised (trimmed, lower case), so one address is one person.
 */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  status: text("status", { enum: ["active", "disabled"] })
    .notNull()
    .default("active"),
  createdAt: integer("created_at").notNull(),
  lastLoginAt: integer("last_login_at"),
});

/**
 * Who belongs to which account, as owner or member. Each membership has its own API key
 * row, never handed out (its secret is discarded when it is made): the person's
 * signed-in calls on that account are authorised, limited, billed and logged under it,
 * so the request log and the key's spend say who spent what.
 */
export const accountMembers = sqliteTable(
  "account_members",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "member"] }).notNull(),
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId] }), index("account_members_user").on(t.userId)],
);

/**
 * An invitation of an e-mail address, by an account's owner or an admin: to an account
 * with a role, or (no account) to sign up with an account of one's own while sign-up is
 * invite-only. Taken when that address completes its sign-in.
 */
export const invites = sqliteTable(
  "invites",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    accountId: text("account_id").references(() => accounts.id),
    role: text("role", { enum: ["owner", "member"] })
      .notNull()
      .default("member"),
    /** A user id, or "admin". */
    invitedBy: text("invited_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("invites_email").on(t.email)],
);

/**
 * One-time e-mail codes. Only a keyed hash of the code is stored (HMAC with the
 * deployment's secret key: a 6-digit code's plain SHA-256 would be reversed in a blink).
 * A code verified becomes a ticket (stored hashed too), spent by complete-registration.
 */
export const emailCodes = sqliteTable(
  "email_codes",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    codeHash: text("code_hash").notNull(),
    /** The address the code was asked from (for the record; limits are kept in memory). */
    clientAddress: text("client_address"),
    /** Wrong codes tried against this one; at the limit it is burnt. */
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    ticketHash: text("ticket_hash").unique(),
    ticketExpiresAt: integer("ticket_expires_at"),
    ticketUsedAt: integer("ticket_used_at"),
  },
  (t) => [index("email_codes_email_time").on(t.email, t.createdAt)],
);

/**
 * A signed-in user's session: refresh tokens (API clients) or a browser cookie (pages
 * such as an OAuth consent page), only their SHA-256 stored. Refresh tokens rotate: each
 * use replaces the row with a new one of the same family, and presenting a replaced
 * token again revokes the whole family (it was copied). Access tokens name their
 * session (`sid`), so revoking it ends them at once.
 */
export const userSessions = sqliteTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["refresh", "browser"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first session of a chain of rotations: revoked together. */
    familyId: text("family_id").notNull(),
    /** The account the session's access tokens act for. */
    accountId: text("account_id").references(() => accounts.id),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    /** The session that replaced this one when its refresh token was used. */
    replacedBy: text("replaced_by"),
    clientAddress: text("client_address"),
    userAgent: text("user_agent"),
  },
  (t) => [index("user_sessions_user").on(t.userId), index("user_sessions_family").on(t.familyId)],
);

/**
 * Mail the gateway sent or would send. With SMTP configured a row records each delivery
 * (without the text: it holds sign-in codes); without SMTP the outbox is the transport
 * and keeps the whole message, for the operator to read (admin API).
 */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text"),
    purpose: text("purpose", { enum: ["code", "invite", "notice", "alert"] }).notNull(),
    transport: text("transport", { enum: ["outbox", "smtp"] }).notNull(),
    status: text("status", { enum: ["stored", "queued", "sent", "failed"] }).notNull(),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("mail_outbox_time").on(t.createdAt)],
);

/**
 * Subjects of an external token issuer (the operator's own identity system), each mapped
 * to an account and a key of its own on it, like a membership.
 */
export const externalIdentities = sqliteTable(
  "external_identities",
  {
    id: text("id").primaryKey(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("external_identities_subject").on(t.issuer, t.subject)],
);
