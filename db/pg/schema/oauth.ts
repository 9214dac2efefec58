import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { users } from "./identity.ts";
import { jsonb } from "./json.ts";
import { apiKeys } from "./keys.ts";

/** PostgreSQL twin of db/schema/oauth.ts. */
export const oauthApps = pgTable("oauth_apps", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  redirectUris: jsonb<string[]>("redirect_uris").notNull(),
  status: text("status", { enum: ["active", "disabled"] })
    .notNull()
    .default("active"),
  ownerUserId: text("owner_user_id").references(() => users.id, { onDelete: "cascade" }),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  deletedAt: bigint("deleted_at", { mode: "number" }),
});

export const oauthGrants = pgTable(
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
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    revokedAt: bigint("revoked_at", { mode: "number" }),
  },
  (t) => [
    index("oauth_grants_user").on(t.userId),
    index("oauth_grants_app").on(t.appId),
    index("oauth_grants_account").on(t.accountId),
  ],
);

export const oauthCodes = pgTable(
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
    spendLimit: bigint("spend_limit", { mode: "number" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    usedAt: bigint("used_at", { mode: "number" }),
    grantId: text("grant_id"),
  },
  (t) => [index("oauth_codes_expires").on(t.expiresAt)],
);
