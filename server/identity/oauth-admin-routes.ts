import { Elysia } from "elysia";
import { z } from "zod";
import type { AppRow } from "../../db/queries/oauth.ts";
import { notFound } from "../errors.ts";
import type { Identity } from "./identity.ts";
import { AppInput, AppPatch, adminGrantView, appChanges, appView } from "./oauth-views.ts";
import { Page } from "./views.ts";

const tags = ["Admin: OAuth apps"];

const GrantQuery = Page.extend({
  account_id: z.string().optional(),
  app_id: z.string().optional(),
  user_id: z.string().optional(),
});

/**
 * OAuth apps and what users granted them, for operators under /admin/api: register an
 * app's redirect URIs (its client_id is made here), disable or delete it (its keys are
 * revoked), list and revoke grants.
 */
export const oauthAdmin = (id: Identity) => {
  const { oauth } = id;
  const app = async (appId: string): Promise<AppRow> => {
    const a = await oauth.app(appId);
    if (!a) throw notFound(`No OAuth app with id '${appId}'.`, "app_not_found");
    return a;
  };
  const view = async (a: AppRow) => appView(a, (await oauth.grantCounts()).get(a.id) ?? 0);
  const grant = (g: Parameters<typeof adminGrantView>[0]) =>
    adminGrantView(g, id.gw.keys, id.gw.settings.currency);
  return new Elysia({ name: "admin-oauth" })
    .post(
      "/oauth/apps",
      async ({ body, set }) => {
        const created = await oauth.createApp(
          { name: body.name, redirectUris: body.redirect_uris },
          Date.now(),
        );
        set.status = 201;
        return view(created);
      },
      { body: AppInput, detail: { summary: "Register an app (its client_id is made here)", tags } },
    )
    .get(
      "/oauth/apps",
      async ({ query }) => {
        const page = await oauth.apps(query.limit, query.offset);
        const counts = await oauth.grantCounts();
        return { data: page.rows.map((a) => appView(a, counts.get(a.id) ?? 0)), total: page.total };
      },
      { query: Page, detail: { summary: "Apps, newest first", tags } },
    )
    .get("/oauth/apps/:id", async ({ params }) => view(await app(params.id)), {
      detail: { summary: "One app", tags },
    })
    .patch(
      "/oauth/apps/:id",
      async ({ params, body }) => {
        await app(params.id);
        const a = await oauth.updateApp(params.id, appChanges(body));
        if (!a) throw notFound(`No OAuth app with id '${params.id}'.`, "app_not_found");
        return view(a);
      },
      { body: AppPatch, detail: { summary: "Rename, change redirect URIs, disable or enable", tags } },
    )
    .delete(
      "/oauth/apps/:id",
      async ({ params }) => {
        const revoked = await oauth.deleteApp((await app(params.id)).id, Date.now());
        return { deleted: revoked !== undefined, revoked: revoked ?? 0 };
      },
      { detail: { summary: "Delete an app: every key it holds is revoked", tags } },
    )
    .get(
      "/oauth/grants",
      async ({ query }) => {
        const page = await oauth.grants(
          { accountId: query.account_id, appId: query.app_id, userId: query.user_id },
          query.limit,
          query.offset,
        );
        return { data: page.rows.map(grant), total: page.total };
      },
      { query: GrantQuery, detail: { summary: "Grants, newest first (of an account, app or user)", tags } },
    )
    .delete(
      "/oauth/grants/:id",
      async ({ params }) => {
        const g = await oauth.revoke(params.id, Date.now());
        if (!g) throw notFound(`No grant with id '${params.id}'.`, "grant_not_found");
        return grant(g);
      },
      { detail: { summary: "Revoke a grant (its key)", tags } },
    );
};
