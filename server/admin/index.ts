import { Elysia } from "elysia";
import { AdminUsers } from "../admin-session/admin-users.ts";
import { SignInLimiter } from "../admin-session/sign-in-limiter.ts";
import type { Gateway } from "../gateway/gateway.ts";
import type { AdminAuth } from "../http/admin-auth.ts";
import { accountsAdmin } from "./accounts/index.ts";
import { adminsAdmin } from "./admins/index.ts";
import { authAdmin } from "./auth/index.ts";
import { keysAdmin } from "./keys/index.ts";
import { modelsAdmin } from "./models/index.ts";
import { providersAdmin } from "./providers/index.ts";
import { requestsAdmin } from "./requests/index.ts";
import { statsAdmin } from "./stats/index.ts";

/**
 * The admin API under /admin/api. Sign-in routes come first and stay open; every route
 * after the guard needs the admin token (Bearer) or a panel session cookie.
 */
export const adminApi = (gw: Gateway, auth: AdminAuth) => {
  const users = new AdminUsers(gw.db);
  return new Elysia({ name: "admin-api", prefix: "/admin/api" })
    .use(authAdmin({ auth, users, limiter: new SignInLimiter() }))
    .onBeforeHandle(({ request }) => {
      auth.require(request);
    })
    .get("/settings", () => ({ currency: gw.settings.currency, version: gw.settings.version }), {
      detail: { summary: "Deployment settings the admin panel needs", tags: ["Admin"] },
    })
    .use(statsAdmin(gw))
    .use(accountsAdmin(gw))
    .use(keysAdmin(gw))
    .use(modelsAdmin(gw))
    .use(providersAdmin(gw))
    .use(requestsAdmin(gw))
    .use(adminsAdmin(users));
};
