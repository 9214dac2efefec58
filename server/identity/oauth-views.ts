import { z } from "zod";
import type { AppRow, GrantView } from "../../db/queries/oauth.ts";
import { amountToNumber } from "../billing/money.ts";
import type { KeyStore } from "../keys/key-store.ts";
import { redirectUriProblem } from "./oauth.ts";
import { iso } from "./views.ts";

/** An app as the admin API shows it (`id` is the client_id). */
export const appView = (a: AppRow, grants: number) => ({
  id: a.id,
  client_id: a.id,
  name: a.name,
  redirect_uris: a.redirectUris,
  status: a.status,
  owner_user_id: a.ownerUserId,
  grants,
  created_at: iso(a.createdAt),
});

/**
 * A grant as `/auth/apps` shows it (the admin's list adds the user): spend and limit
 * are the key's, read from memory (the table's `used` lags the group commit).
 */
export function grantView(g: GrantView, keys: KeyStore, currency: string) {
  const k = keys.get(g.keyId);
  const limit = k ? k.spendLimit : null;
  return {
    id: g.id,
    app_id: g.appId,
    app_name: g.appName,
    account_id: g.accountId,
    account_name: g.accountName,
    key_id: g.keyId,
    key_prefix: g.keyPrefix,
    spend_limit: limit === null ? null : amountToNumber(limit),
    spent: amountToNumber(k?.used ?? 0),
    currency,
    status: g.revokedAt === null && k?.status === "active" ? "active" : "revoked",
    created_at: iso(g.createdAt),
    last_used_at: iso(g.keyLastUsedAt ?? k?.lastUsedAt ?? null),
    revoked_at: iso(g.revokedAt),
  };
}

export const adminGrantView = (g: GrantView, keys: KeyStore, currency: string) => ({
  ...grantView(g, keys, currency),
  user_id: g.userId,
  user_email: g.userEmail,
});

const RedirectUris = z
  .array(z.string().min(1).max(2000))
  .min(1)
  .max(20)
  .superRefine((list, ctx) => {
    for (const [i, uri] of list.entries()) {
      const problem = redirectUriProblem(uri);
      if (problem) ctx.addIssue({ code: "custom", path: [i], message: `${uri} ${problem}` });
    }
  });
const Name = z.string().trim().min(1).max(200);
/** An app as registered (by the admin, or a user for their own). */
export const AppInput = z.object({ name: Name, redirect_uris: RedirectUris });
export const AppPatch = z.object({
  name: Name.optional(),
  redirect_uris: RedirectUris.optional(),
  status: z.enum(["active", "disabled"]).optional(),
});

/** A PATCH body as the columns it changes. */
export const appChanges = (body: z.infer<typeof AppPatch>) => ({
  ...(body.name !== undefined ? { name: body.name } : {}),
  ...(body.redirect_uris !== undefined ? { redirectUris: body.redirect_uris } : {}),
  ...(body.status !== undefined ? { status: body.status } : {}),
});
