import { join } from "node:path";
import { AdminUsers } from "./admin-session/admin-users.ts";
import { type AssetSource, directorySource } from "./admin-ui/asset-source.ts";
import { type App, buildApp } from "./app.ts";
import { type BootOptions, DEFAULT_MIGRATIONS, openGateway } from "./boot.ts";
import type { SharedRedis } from "./cluster/shared-redis.ts";
import type { Gateway } from "./gateway/gateway.ts";
import { startProbes } from "./health/probe.ts";
import { postgresCheck, redisCheck } from "./health/store-checks.ts";
import type { StoreProbe } from "./health/store-probes.ts";
import { AdminAuth } from "./http/admin-auth.ts";
import { parseTrustedProxies } from "./http/client-address.ts";
import type { DocsAssets } from "./http/docs.ts";
import { Identity } from "./identity/identity.ts";
import { ThreadWriter } from "./store/thread-writer.ts";
import { loadTokenizer } from "./tokens/count.ts";

export { DEFAULT_MIGRATIONS };

/** Where `npm run build:admin` (and `npm start`) put the built panel. */
export const DEFAULT_ADMIN_DIST = join(import.meta.dir, "..", "admin", "dist");

export type StartOptions = BootOptions & {
  /** The writer thread's module; the compiled binary passes its embedded path. */
  writerWorker?: URL | string;
  docsAssets?: DocsAssets;
  /** Defaults to the admin/dist folder. */
  adminAssets?: AssetSource;
};

export type Running = {
  url: string;
  port: number;
  gateway: Gateway;
  /** The composed app (tests read what Elysia inferred its routes need). */
  app: App;
  /** Set on the first start without TOLLGATE_ADMIN_TOKEN: print it once. */
  generatedAdminToken: string | null;
  /** Username of the first admin user, when TOLLGATE_ADMIN_USER created it at this start. */
  createdAdminUser: string | null;
  configFile: string | null;
  identity: Identity;
  stop(graceMs?: number): Promise<void>;
};

/** Boots (see boot.ts), then listens. Used by main.ts and the tests (on port 0). */
export async function startServer(o: StartOptions): Promise<Running> {
  const { gw, config, configFile, shared } = await openGateway(o);
  // Redis away at start is not fatal: /ready stays false until it answers (shared-redis.ts).
  if (shared) await shared.connect();
  // Before listening: loaded on first use, it would stall the Redis calls in flight (tokens/count.ts).
  if (shared) loadTokenizer();
  // Group commits on a writer thread with its own connection (a SQLite file only; PostgreSQL's
  // group commit is the engine's own, on its pool).
  if (gw.engine.kind === "sqlite" && o.env.TOLLGATE_DB !== ":memory:" && o.env.TOLLGATE_WRITER === "thread") {
    gw.setWriter(await ThreadWriter.start(o.env.TOLLGATE_DB, o.env.TOLLGATE_DB_SYNC, o.writerWorker));
  }
  await gw.start(Date.now());
  await gw.shared?.start();
  const { auth, generated } = await AdminAuth.init(gw.store, o.env.TOLLGATE_ADMIN_TOKEN, gw.cipher);
  const createdAdminUser = await firstAdminUser(new AdminUsers(gw.store.admins), o.env);
  const identity = new Identity(gw, {
    decl: config.identity,
    accessTokenMinutes: o.env.JWT_ACCESS_TOKEN_EXPIRE_MINUTES,
    refreshTokenDays: o.env.JWT_REFRESH_TOKEN_EXPIRE_DAYS,
    signingSecret: o.env.JWT_SECRET_KEY ?? null,
    siteName: config.server.public_url ?? "Tollgate",
  });
  await identity.start();
  // Another replica's sign-outs, disabled users and memberships reach this one's caches.
  gw.alsoReload.push(() => identity.reload());
  // Alerts mail through the one mail path: SMTP when configured, else the outbox.
  gw.alerts.mailThrough(identity.mailer, config.server.public_url ?? null);
  let connections = () => 0;
  const app = buildApp(gw, {
    adminAuth: auth,
    identity,
    docsAssets: o.docsAssets,
    adminAssets: o.adminAssets ?? directorySource(DEFAULT_ADMIN_DIST),
    dbPath: o.env.TOLLGATE_DB,
    connections: () => connections(),
    trustedProxies: parseTrustedProxies(o.env.TOLLGATE_TRUSTED_PROXIES),
    observabilityToken: o.env.TOLLGATE_OBSERVABILITY_TOKEN ?? null,
    stores: storeProbes(gw, shared),
  });
  app.listen({
    port: o.env.PORT,
    hostname: o.env.HOST,
    // Bun's own cap answers an empty 413 before any JavaScript runs: out of reach, so that
    // the app's limit (http/body-limit.ts) refuses every oversized body in the route's shape.
    // An unread body is not buffered (Bun applies backpressure), and a refusal closes the
    // connection instead of draining the rest.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    idleTimeout: 255,
  });
  const server = app.server;
  if (!server) throw new Error("server did not start");
  connections = () => server.pendingRequests;
  const stopProbes = startProbes(gw);
  const port = server.port ?? o.env.PORT;
  const host = o.env.HOST === "0.0.0.0" || o.env.HOST === "::" ? "localhost" : o.env.HOST;
  let stopped = false;
  return {
    url: `http://${host}:${port}`,
    port,
    gateway: gw,
    app,
    generatedAdminToken: generated,
    createdAdminUser,
    configFile,
    identity,
    async stop(graceMs = 10_000) {
      if (stopped) return;
      stopped = true;
      // Stop accepting; let requests and streams in flight finish (bounded by graceMs);
      // then close what is left (a cut stream settles as client-closed), flush and close.
      const closing = server.stop(false);
      const deadline = Date.now() + graceMs;
      while (gw.inFlight > 0 && Date.now() < deadline) await Bun.sleep(20);
      await Promise.race([closing, Bun.sleep(Math.max(0, Math.min(1000, deadline - Date.now())))]);
      await server.stop(true);
      for (let i = 0; i < 50 && gw.inFlight > 0; i++) await Bun.sleep(10);
      stopProbes();
      await identity.stop();
      await gw.stop();
      shared?.close();
      await gw.engine.close();
    },
  };
}

/** The shared stores /health and /ready probe: PostgreSQL (it holds the books) and Redis, when used. */
function storeProbes(gw: Gateway, shared: SharedRedis | null): StoreProbe[] {
  const probes: StoreProbe[] = [];
  const engine = gw.engine;
  if (engine.kind === "postgres")
    probes.push({
      name: "postgres",
      check: async () => {
        const c = await postgresCheck(engine.client, { poolSize: engine.poolSize });
        // The probe's answer moves the refusal of billed calls too (a failure is confirmed first).
        if (c.status === "healthy") engine.reachability.answered();
        else engine.reachability.failed();
        c.details.accepting_calls = engine.reachability.reachable;
        return c;
      },
    });
  if (shared) probes.push({ name: "redis", check: () => sharedCheck(gw, shared) });
  return probes;
}

/** The Redis probe, with what this replica served without it (docs/scale-out.md: counted fallbacks). */
async function sharedCheck(gw: Gateway, shared: SharedRedis) {
  const c = await redisCheck(shared.client);
  const f = gw.shared?.fallbacks();
  if (f) Object.assign(c.details, { breaker_fallbacks: f.breaker, narrow_admits: f.narrowAdmits });
  return c;
}

/** TOLLGATE_ADMIN_USER + TOLLGATE_ADMIN_PASSWORD create the first admin user, only while there is none. */
async function firstAdminUser(users: AdminUsers, env: StartOptions["env"]): Promise<string | null> {
  if (!env.TOLLGATE_ADMIN_USER || !env.TOLLGATE_ADMIN_PASSWORD || (await users.count()) > 0) return null;
  return (await users.create(env.TOLLGATE_ADMIN_USER, env.TOLLGATE_ADMIN_PASSWORD)).username;
}
