import { type AnyElysia, Elysia } from "elysia";
import { AdminUsers } from "../admin-session/admin-users.ts";
import { SignInLimiter } from "../admin-session/sign-in-limiter.ts";
import type { AdminAuth } from "../http/admin-auth.ts";
import { arrivalWait } from "../http/arrival.ts";
import { limitedParse } from "../http/body-limit.ts";
import type { ClientAddresses, PeerSource } from "../http/client-address.ts";
import { accountsAdmin } from "./accounts/index.ts";
import { adminsAdmin } from "./admins/index.ts";
import { alertsAdmin } from "./alerts/index.ts";
import { authAdmin } from "./auth/index.ts";
import { catalogAdmin } from "./catalog/index.ts";
import { exportsAdmin } from "./exports/index.ts";
import { keysAdmin } from "./keys/index.ts";
import { modelsAdmin } from "./models/index.ts";
import { plansAdmin } from "./plans/index.ts";
import { providersAdmin } from "./providers/index.ts";
import { requestsAdmin } from "./requests/index.ts";
import type { AdminServices } from "./services.ts";
import { setupAdmin } from "./setup/index.ts";
import { settingsView } from "./setup/service.ts";
import { statsAdmin } from "./stats/index.ts";

const PREFIX = "/admin/api";
/** The routes one signs in with: open to everyone. */
const OPEN = new Set([`${PREFIX}/auth/login`, `${PREFIX}/auth/logout`, `${PREFIX}/auth/methods`]);

/** Whether a request URL is an admin API path that needs credentials (no URL object: this runs on every request). */
function guarded(url: string): boolean {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1 || !url.startsWith(PREFIX, start)) return false;
  const end = url.indexOf("?", start);
  const path = url.slice(start, end === -1 ? undefined : end);
  return (path === PREFIX || path.startsWith(`${PREFIX}/`)) && !OPEN.has(path);
}

/**
 * The admin API under /admin/api. Sign-in routes stay open; every other route needs the
 * admin token (Bearer) or a panel session cookie, checked when the request arrives, before
 * its body is parsed or validated (an anonymous caller learns nothing about the schemas).
 * Wrong Bearer tokens are limited per address like failed sign-ins (with their own budget).
 */
export const adminApi = (
  gw: AdminServices,
  auth: AdminAuth,
  addresses: ClientAddresses,
  /** Routes of other layers under /admin/api, behind the same credentials (identity). */
  more: AnyElysia[] = [],
) => {
  const users = new AdminUsers(gw.store.admins);
  const signIns = new SignInLimiter();
  // Its own budget: failed panel sign-ins from an address do not lock out its scripts.
  const bearers = new SignInLimiter(undefined, "admin token attempts");
  const checked = new WeakSet<Request>();
  const authenticate = async (request: Request, server: PeerSource) => {
    if (request.headers.get("authorization") === null) {
      await auth.require(request, addresses.viaTrustedProxy(request, server));
      return;
    }
    const attempt = bearers.begin(addresses.of(request, server), Date.now());
    await auth.require(request, false);
    attempt.succeeded();
  };
  const api = new Elysia({ name: "admin-api", prefix: PREFIX })
    // As each request arrives, before routing and parsing: hence the path test. Other
    // requests do not wait for it (arrival.ts); a refusal is thrown at this point.
    .use(
      arrivalWait("admin-api-credentials", (request, server) => {
        if (!guarded(request.url)) return undefined;
        return authenticate(request, server).then(() => {
          checked.add(request);
        });
      }),
    )
    // A chunked body is counted as it is read, like on the client routes.
    .onParse(limitedParse(gw.settings.bodyLimitBytes))
    .use(authAdmin({ auth, users, limiter: signIns, addresses }))
    // The same check for any admin route the path test would not have recognised.
    .onBeforeHandle(async ({ request, server }) => {
      if (!checked.has(request)) await authenticate(request, server);
    })
    .get("/settings", () => settingsView(gw), {
      detail: { summary: "Deployment settings the admin panel needs", tags: ["Admin"] },
    })
    .use(statsAdmin(gw))
    .use(setupAdmin(gw))
    .use(accountsAdmin(gw))
    .use(keysAdmin(gw))
    .use(modelsAdmin(gw))
    .use(catalogAdmin(gw))
    .use(providersAdmin(gw))
    .use(requestsAdmin(gw))
    .use(exportsAdmin(gw))
    .use(alertsAdmin(gw))
    .use(adminsAdmin(users))
    .use(plansAdmin(gw));
  for (const routes of more) api.use(routes);
  return api;
};
