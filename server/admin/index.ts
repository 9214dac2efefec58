import { Elysia } from "elysia";
import type { Gateway } from "../gateway/gateway.ts";
import type { AdminAuth } from "../http/admin-auth.ts";
import { accountsAdmin } from "./accounts/index.ts";
import { keysAdmin } from "./keys/index.ts";
import { modelsAdmin } from "./models/index.ts";
import { providersAdmin } from "./providers/index.ts";
import { requestsAdmin } from "./requests/index.ts";

/** The admin API under /admin/api, behind the admin token. */
export const adminApi = (gw: Gateway, auth: AdminAuth) =>
  new Elysia({ name: "admin-api", prefix: "/admin/api" })
    .onBeforeHandle(({ request }) => {
      auth.require(request);
    })
    .get("/settings", () => ({ currency: gw.settings.currency, version: gw.settings.version }), {
      detail: { summary: "Deployment settings the admin panel needs", tags: ["Admin"] },
    })
    .use(accountsAdmin(gw))
    .use(keysAdmin(gw))
    .use(modelsAdmin(gw))
    .use(providersAdmin(gw))
    .use(requestsAdmin(gw));
