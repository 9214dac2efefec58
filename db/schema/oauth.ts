import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts.ts";
import { users } from "./identity.ts";
import { apiKeys } from "./keys.ts";

/**
 * Apps that send users to the consent page (OAuth 2.0 authorization code with PKCE,
 * server/identity/oauth*.ts). Public clients: no secret, the PKCE verifier is the proof.
 * `id` is the client_id. Redirect URIs are matched exactly against this list.
 */
export const oauthApps = sqliteTable("oauth_apps", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** JSON array of the exact redirect URIs (https, or http on a loopback host). */
  redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
  status: text("status", { enum: ["active", "disabled"] })
    .notNull()
    .default("active"),
  /** A user who registered their own app; null: registered by an admin. */
  ownerUserId: text("owner_user_id").references(() => users.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
  /** Deleted apps stay for their grants' history; their keys are revoked. */
  deletedAt: integer("deleted_at"),
});

/**
 * What a user approved for an app: an ordinary API key on one of their accounts (its
 * spend limit is the key's own), recorded against the user so they and the admin can
 * list and revoke it.
 */
export const oauthGrants = sqliteTable(
  "oauth_grants",
  {
    id: text("id").primaryKey(),
    appId: text("app_id")
      .notNull()
      .references(() => oauthApps.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    index("oauth_grants_user").on(t.userId),
    index("oauth_grants_app").on(t.appId),
    index("oauth_grants_account").on(t.accountId),
  ],
);

/**
 * Authorization codes: only their SHA-256 is stored; valid a minute, used once, bound to
 * the app, the redirect URI, the PKCE challenge, the user, the account and the spend
 * limit chosen on the consent page. `grant_id` names what the code gave, so a code
 * presented again revokes it (it was intercepted).
 */
export const oauthCodes = sqliteTable(
  "oauth_codes",
  {
    id: text("id").primaryKey(),
    codeHash: text("code_hash").notNull().unique(),
    appId: text("app_id")
      .notNull()
      .references(() => oauthApps.id),
    redirectUri: text("redirect_uri").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** Nano-units; null: no limit of its own. */
    spendLimit: integer("spend_limit"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    grantId: text("grant_id"),
  },
  (t) => [index("oauth_codes_expires").on(t.expiresAt)],
);
