import { Elysia } from "elysia";
import { z } from "zod";
import { amountToNumber, parseAmount } from "../billing/money.ts";
import { forbidden, notFound } from "../errors.ts";
import type { ClientAddresses, PeerSource } from "../http/client-address.ts";
import { dayStart } from "../plans/period.ts";
import { authParse } from "./body.ts";
import { personOf } from "./caller.ts";
import type { Identity } from "./identity.ts";
import { planView } from "./me.ts";
import { usageFigures } from "./usage-figures.ts";
import type { Role } from "./users.ts";
import { Page } from "./views.ts";

const tags = ["Auth: portal"];

/** A key as the desk shows it (the admin's key view: identity only needs its id and account). */
type KeyLike = { id: string; account_id: string };

/**
 * Keys, usage and the ledger of one account, as the admin API shows them (admin/owner-desk.ts,
 * wired by app.ts): the portal reuses those services and views rather than copying them.
 */
export type AccountDesk = {
  keys(accountId: string): KeyLike[] | Promise<KeyLike[]>;
  issueKey(
    accountId: string,
    input: {
      name: string;
      spend_limit?: number | null;
      budget_period?: "daily" | "weekly" | "monthly" | null;
    },
  ): (KeyLike & { key: string }) | Promise<KeyLike & { key: string }>;
  revokeKey(keyId: string): KeyLike | Promise<KeyLike>;
  usage(accountId: string, days: number): object | Promise<object>;
  ledger(accountId: string, limit: number, offset: number): object | Promise<object>;
};

const IssueKey = z.object({
  name: z.string().trim().min(1).max(200),
  spend_limit: z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const units = parseAmount(v);
      if (units === null || units < 0) {
        ctx.addIssue({ code: "custom", message: "must be a non-negative decimal amount" });
        return z.NEVER;
      }
      return units;
    })
    .nullable()
    .optional(),
  budget_period: z.enum(["daily", "weekly", "monthly"]).nullable().optional(),
});
const UsageQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

/**
 * What the portal reads about one account, the same for its members and for an admin
 * looking as the owner does. Membership keys (a person's signed-in calls run under them,
 * their secret was thrown away) are not the account's keys to manage: they are left out.
 */
export function accountReads(id: Identity, desk: AccountDesk) {
  const membershipKeys = async (accountId: string) =>
    new Set((await id.users.membersOf(accountId)).map((m) => m.keyId));
  return {
    async summary(accountId: string, role: Role | null, now = Date.now()) {
      const acct = id.gw.book.get(accountId);
      if (!acct) throw notFound(`No account with id '${accountId}'.`, "account_not_found");
      const plan = id.gw.plans.current(accountId, now);
      const usage = await usageFigures(id.gw, accountId, null, now);
      return {
        account: {
          id: accountId,
          name: acct.name,
          role,
          status: acct.status,
          balance: amountToNumber(acct.balance),
          currency: id.gw.settings.currency,
        },
        plan: plan ? planView(plan) : null,
        today: {
          requests: usage.requestsToday,
          tokens: usage.tokensToday,
          concurrent: usage.concurrent,
          resets_at: new Date(dayStart(now) + 86_400_000).toISOString(),
          ...(usage.scope && {
            scope: {
              requests: usage.scope.requestsToday,
              tokens: usage.scope.tokensToday,
              concurrent: usage.scope.concurrent,
            },
          }),
        },
      };
    },
    async keys(accountId: string) {
      const hidden = await membershipKeys(accountId);
      return { data: (await desk.keys(accountId)).filter((k) => !hidden.has(k.id)) };
    },
    usage: (accountId: string, days: number) => desk.usage(accountId, days),
    ledger: (accountId: string, limit: number, offset: number) => desk.ledger(accountId, limit, offset),
    /** A key of this account the portal may revoke (404 for another account's, or a membership key). */
    async ownKey(accountId: string, keyId: string) {
      const k = (await desk.keys(accountId)).find((x) => x.id === keyId);
      if (!k || (await membershipKeys(accountId)).has(keyId))
        throw notFound(`No API key with id '${keyId}'.`, "key_not_found");
      return k;
    },
  };
}

/**
 * `/auth/accounts/:id` and below for the account's own people, with their access token or
 * the portal's session cookie (writes from our own pages only). Any member reads the
 * account, its keys, usage and ledger; only owners issue and revoke keys: a member's own
 * spending is capped by their membership key, which a key they issued would sidestep.
 * An account the caller is not a member of is "not found", like one that does not exist.
 */
export const portalRoutes = (id: Identity, desk: AccountDesk, addresses: ClientAddresses) => {
  const reads = accountReads(id, desk);
  const member = async (request: Request, server: PeerSource, accountId: string) => {
    const user = await personOf(id, request, addresses.viaTrustedProxy(request, server));
    const m = id.users.membership(accountId, user.id);
    if (!m) throw notFound(`No account with id '${accountId}'.`, "account_not_found");
    return { user, role: m.role };
  };
  const owner = async (...args: Parameters<typeof member>) => {
    const m = await member(...args);
    if (m.role !== "owner") throw forbidden("Only an owner of this account can do that.", "owner_required");
    return m;
  };
  return new Elysia({ name: "auth-portal" })
    .onParse(authParse)
    .get(
      "/auth/accounts/:id",
      async ({ request, server, params }) =>
        reads.summary(params.id, (await member(request, server, params.id)).role),
      { detail: { summary: "One of your accounts: balance, plan and today's counts", tags } },
    )
    .get(
      "/auth/accounts/:id/keys",
      async ({ request, server, params }) => {
        await member(request, server, params.id);
        return reads.keys(params.id);
      },
      { detail: { summary: "The account's API keys (never the keys themselves)", tags } },
    )
    .post(
      "/auth/accounts/:id/keys",
      async ({ request, server, params, body, set }) => {
        await owner(request, server, params.id);
        set.status = 201;
        return desk.issueKey(params.id, body);
      },
      {
        body: IssueKey,
        detail: { summary: "Issue a key (owners); the plain key is in this answer only", tags },
      },
    )
    .delete(
      "/auth/accounts/:id/keys/:key",
      async ({ request, server, params }) => {
        await owner(request, server, params.id);
        return desk.revokeKey((await reads.ownKey(params.id, params.key)).id);
      },
      { detail: { summary: "Revoke a key of the account (owners)", tags } },
    )
    .get(
      "/auth/accounts/:id/usage",
      async ({ request, server, params, query }) => {
        await member(request, server, params.id);
        return reads.usage(params.id, query.days);
      },
      {
        query: UsageQuery,
        detail: { summary: "The account's requests, tokens and spend per UTC day", tags },
      },
    )
    .get(
      "/auth/accounts/:id/ledger",
      async ({ request, server, params, query }) => {
        await member(request, server, params.id);
        return reads.ledger(params.id, query.limit, query.offset);
      },
      { query: Page, detail: { summary: "The account's ledger, newest first", tags } },
    );
};

/**
 * The same reads for an admin (under /admin/api, behind the admin's credentials): the
 * panel's "view as owner" shows an account as its owner sees it without ever acting as
 * them: no user token or cookie is minted, and nothing here writes.
 */
export const portalAdminReads = (id: Identity, desk: AccountDesk) => {
  const reads = accountReads(id, desk);
  return new Elysia({ name: "admin-portal-reads", prefix: "/portal/accounts/:id" })
    .get("", ({ params }) => reads.summary(params.id, null), {
      detail: { summary: "An account as its owner sees it in the portal", tags: ["Admin: users"] },
    })
    .get("/keys", ({ params }) => reads.keys(params.id), {
      detail: { summary: "The account's keys as the portal lists them", tags: ["Admin: users"] },
    })
    .get("/usage", ({ params, query }) => reads.usage(params.id, query.days), {
      query: UsageQuery,
      detail: { summary: "The account's usage as the portal shows it", tags: ["Admin: users"] },
    })
    .get("/ledger", ({ params, query }) => reads.ledger(params.id, query.limit, query.offset), {
      query: Page,
      detail: { summary: "The account's ledger as the portal shows it", tags: ["Admin: users"] },
    });
};
