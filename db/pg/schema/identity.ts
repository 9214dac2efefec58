import { bigint, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { apiKeys } from "./keys.ts";

/** PostgreSQL twin of db/schema/identity.ts. */
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  status: text("status", { enum: ["active", "disabled"] })
    .notNull()
    .default("active"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  lastLoginAt: bigint("last_login_at", { mode: "number" }),
});

export const accountMembers = pgTable(
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
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId] }), index("account_members_user").on(t.userId)],
);

export const invites = pgTable(
  "invites",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    accountId: text("account_id").references(() => accounts.id),
    role: text("role", { enum: ["owner", "member"] })
      .notNull()
      .default("member"),
    invitedBy: text("invited_by").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    acceptedAt: bigint("accepted_at", { mode: "number" }),
    revokedAt: bigint("revoked_at", { mode: "number" }),
  },
  (t) => [index("invites_email").on(t.email)],
);

export const emailCodes = pgTable(
  "email_codes",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    codeHash: text("code_hash").notNull(),
    clientAddress: text("client_address"),
    attempts: bigint("attempts", { mode: "number" }).notNull().default(0),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    usedAt: bigint("used_at", { mode: "number" }),
    ticketHash: text("ticket_hash").unique(),
    ticketExpiresAt: bigint("ticket_expires_at", { mode: "number" }),
    ticketUsedAt: bigint("ticket_used_at", { mode: "number" }),
  },
  (t) => [index("email_codes_email_time").on(t.email, t.createdAt)],
);

export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["refresh", "browser"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    familyId: text("family_id").notNull(),
    accountId: text("account_id").references(() => accounts.id),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    lastUsedAt: bigint("last_used_at", { mode: "number" }),
    revokedAt: bigint("revoked_at", { mode: "number" }),
    replacedBy: text("replaced_by"),
    clientAddress: text("client_address"),
    userAgent: text("user_agent"),
  },
  (t) => [index("user_sessions_user").on(t.userId), index("user_sessions_family").on(t.familyId)],
);

export const mailOutbox = pgTable(
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
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    sentAt: bigint("sent_at", { mode: "number" }),
  },
  (t) => [index("mail_outbox_time").on(t.createdAt)],
);

export const externalIdentities = pgTable(
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
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("external_identities_subject").on(t.issuer, t.subject)],
);
