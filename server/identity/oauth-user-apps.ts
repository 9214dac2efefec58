import { Elysia } from "elysia";
import type { AppRow } from "../../db/queries/oauth.ts";
import { GatewayError, notFound } from "../errors.ts";
import type { ClientAddresses, PeerSource } from "../http/client-address.ts";
import { authParse } from "./body.ts";
import { personOf } from "./caller.ts";
import type { Identity } from "./identity.ts";
import { AppInput, AppPatch, appChanges, appView } from "./oauth-views.ts";
import type { User } from "./users.ts";

const tags = ["Auth"];
/** Apps one user may register: enough for their projects, not a flood of consent pages. */
export const MAX_APPS_PER_USER = 20;

/**
 * A signed-in user registers apps of their own (XRouter's "personal cabinet"), with the
 * admin's shapes; the consent page says such an app was registered by a user, not by the
 * operator. Another user's app is 404. Writes with the cookie must be same-origin.
 */
export const userAppRoutes = (id: Identity, addresses: ClientAddresses) => {
  const { oauth } = id;
  const person = (request: Request, server: PeerSource): Promise<User> =>
    personOf(id, request, addresses.viaTrustedProxy(request, server));
  const own = async (user: User, appId: string): Promise<AppRow> => {
    const a = await oauth.app(appId);
    if (a?.ownerUserId !== user.id) throw notFound(`No app with id '${appId}'.`, "app_not_found");
    return a;
  };
  const view = async (a: AppRow) => appView(a, (await oauth.grantCounts()).get(a.id) ?? 0);
  return new Elysia({ name: "oauth-user-apps" })
    .onParse(authParse)
    .get(
      "/auth/apps/registered",
      async ({ request, server }) => {
        const user = await person(request, server);
        const counts = await oauth.grantCounts();
        const page = await oauth.apps(MAX_APPS_PER_USER, 0, user.id);
        return { data: page.rows.map((a) => appView(a, counts.get(a.id) ?? 0)), total: page.total };
      },
      { detail: { summary: "The apps the signed-in user registered", tags } },
    )
    .post(
      "/auth/apps/registered",
      async ({ request, server, body, set }) => {
        const user = await person(request, server);
        const created = await oauth.createApp(
          { name: body.name, redirectUris: body.redirect_uris, ownerUserId: user.id },
          Date.now(),
          MAX_APPS_PER_USER,
        );
        if (!created)
          throw new GatewayError(
            "conflict",
            `At most ${MAX_APPS_PER_USER} apps per user: delete one first.`,
            {
              code: "too_many_apps",
            },
          );
        set.status = 201;
        return view(created);
      },
      {
        body: AppInput,
        detail: { summary: "Register an app of one's own (its client_id is made here)", tags },
      },
    )
    .patch(
      "/auth/apps/registered/:id",
      async ({ request, server, params, body }) => {
        await own(await person(request, server), params.id);
        const a = await oauth.updateApp(params.id, appChanges(body));
        return view(a!);
      },
      {
        body: AppPatch,
        detail: { summary: "Rename, change redirect URIs, disable or enable one's app", tags },
      },
    )
    .delete(
      "/auth/apps/registered/:id",
      async ({ request, server, params }) => {
        const a = await own(await person(request, server), params.id);
        return { deleted: true, revoked: (await oauth.deleteApp(a.id, Date.now())) ?? 0 };
      },
      { detail: { summary: "Delete one's app: every key it holds is revoked", tags } },
    );
};
