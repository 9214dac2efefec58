import { Elysia } from "elysia";
import { adminApi } from "./admin/index.ts";
import { ownerDesk } from "./admin/owner-desk.ts";
import type { AssetSource } from "./admin-ui/asset-source.ts";
import { adminUi } from "./admin-ui/routes.ts";
import type { Gateway } from "./gateway/gateway.ts";
import { healthRoutes } from "./health/routes.ts";
import type { StoreProbe } from "./health/store-probes.ts";
import type { AdminAuth } from "./http/admin-auth.ts";
import { bodyLimit } from "./http/body-limit.ts";
import { cacheSync } from "./http/cache-sync.ts";
import { ClientAddresses } from "./http/client-address.ts";
import { type DocsAssets, docs, docsAssetsFromNodeModules } from "./http/docs.ts";
import { type ElysiaErrorInput, ErrorHook } from "./http/error-hook.ts";
import { freshApiKey } from "./http/fresh-api-key.ts";
import { hostCheck } from "./http/host-check.ts";
import { requestId } from "./http/request-id.ts";
import { identityAdmin } from "./identity/admin-routes.ts";
import { signedBearer } from "./identity/bearer.ts";
import type { Identity } from "./identity/identity.ts";
import { oauthAdmin } from "./identity/oauth-admin-routes.ts";
import { oauthRoutes } from "./identity/oauth-routes.ts";
import { userAppRoutes } from "./identity/oauth-user-apps.ts";
import { portalAdminReads, portalRoutes } from "./identity/portal-routes.ts";
import { authRoutes } from "./identity/routes.ts";
import { teamRoutes } from "./identity/team-routes.ts";
import { anthropicErrors, anthropicRoutes } from "./routes/anthropic.ts";
import { balanceRoutes } from "./routes/balance.ts";
import { embeddingsRoutes } from "./routes/embeddings.ts";
import { geminiErrors, geminiRoutes } from "./routes/gemini.ts";
import { imagesRoutes } from "./routes/images.ts";
import { modelsRoutes } from "./routes/models.ts";
import { chatRoutes, openaiErrors } from "./routes/openai-chat.ts";
import { responsesRoutes } from "./routes/openai-responses.ts";
import { videosRoutes } from "./routes/videos.ts";

export type AppOptions = {
  adminAuth: AdminAuth;
  /** Users, e-mail sign-in and JWTs (server/identity). */
  identity: Identity;
  docsAssets?: DocsAssets;
  /** The built admin panel (admin/dist, or files embedded in a binary). */
  adminAssets: AssetSource;
  dbPath: string;
  connections: () => number;
  /** Proxies whose X-Forwarded-For names the client (TOLLGATE_TRUSTED_PROXIES); default none. */
  trustedProxies?: readonly string[];
  /** When set, /metrics and the detailed /health routes need it as a Bearer token. */
  observabilityToken?: string | null;
  /** The shared stores /health and /ready report (PostgreSQL, Redis); none on one box. */
  stores?: readonly StoreProbe[];
};

/**
 * Errors in the shape of the client surface that owns the path, each surface's routes
 * saying which paths are theirs; the OpenAI shape for the rest and the admin API.
 */
export const clientErrors = new ErrorHook(openaiErrors, [anthropicErrors, geminiErrors]);
/** Which surface's error shape a path answers in: "openai", "anthropic" or "google". */
export const errorShape = (path: string) => clientErrors.shapeOf(path);
export const renderError = (input: ElysiaErrorInput) => clientErrors.render(input);

/** Composes the server: cross-cutting plugins first, then every surface and the admin API. */
export function buildApp(gw: Gateway, opts: AppOptions) {
  const addresses = new ClientAddresses(opts.trustedProxies ?? []);
  // The portal's keys, usage and ledger are the admin API's services and views (admin/owner-desk.ts).
  const desk = ownerDesk(gw);
  // Paths are read from just after `http://host`, wherever the host ends (Elysia's default
  // assumes a host of 4+ characters and misroutes `Host: a`); malformed hosts never get that far.
  return (
    new Elysia({ handler: { standardHostname: false } })
      .use(requestId)
      .use(hostCheck(clientErrors))
      .use(bodyLimit(gw.settings.bodyLimitBytes, clientErrors))
      .use(cacheSync(gw, gw.shared !== null))
      // Another process can make keys this one has not loaded: replicas, or the CLI on PostgreSQL.
      .use(gw.shared !== null || gw.engine.kind === "postgres" ? freshApiKey(gw) : new Elysia())
      .use(signedBearer(opts.identity))
      .onError({ as: "global" }, ({ error, code, request, path }) =>
        clientErrors.render({ error, code, request, path }),
      )
      .use(
        healthRoutes(gw, {
          dbPath: opts.dbPath,
          connections: opts.connections,
          token: opts.observabilityToken ?? null,
          stores: opts.stores,
        }),
      )
      .use(modelsRoutes(gw))
      .use(chatRoutes(gw))
      .use(embeddingsRoutes(gw))
      .use(imagesRoutes(gw))
      .use(videosRoutes(gw))
      .use(responsesRoutes(gw))
      .use(anthropicRoutes(gw))
      .use(geminiRoutes(gw))
      .use(balanceRoutes(gw))
      .use(authRoutes(opts.identity, addresses))
      .use(teamRoutes(opts.identity))
      .use(oauthRoutes(opts.identity, addresses))
      .use(userAppRoutes(opts.identity, addresses))
      .use(portalRoutes(opts.identity, desk, addresses))
      .use(
        adminApi(gw, opts.adminAuth, addresses, [
          identityAdmin(opts.identity),
          oauthAdmin(opts.identity),
          portalAdminReads(opts.identity, desk),
        ]),
      )
      .use(adminUi(opts.adminAssets))
      .use(docs(gw.settings.version, opts.docsAssets ?? docsAssetsFromNodeModules()))
  );
}

export type App = ReturnType<typeof buildApp>;
