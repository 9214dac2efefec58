import { dirname, join } from "node:path";
import { migrateDb, openDb } from "../db/client.ts";
import { buildApp } from "./app.ts";
import { applyConfig } from "./config/apply.ts";
import type { Env } from "./config/env.ts";
import { loadConfig } from "./config/load.ts";
import { Gateway } from "./gateway/gateway.ts";
import { AdminAuth } from "./http/admin-auth.ts";
import { cipherKey, createCipher } from "./secrets/cipher.ts";

export type StartOptions = {
  env: Env;
  /** The process environment, for `${VAR}` interpolation in tollgate.yaml. */
  vars: Record<string, string | undefined>;
  migrationsFolder: string;
  version: string;
  scalarScript?: () => Blob | null;
};

export type Running = {
  url: string;
  port: number;
  gateway: Gateway;
  /** Set on the first start without TOLLGATE_ADMIN_TOKEN: print it once. */
  generatedAdminToken: string | null;
  configFile: string | null;
  stop(graceMs?: number): Promise<void>;
};

export const DEFAULT_MIGRATIONS = join(import.meta.dir, "..", "db", "migrations");

/**
 * Start-up in order: config (a bad file stops here), database and migrations, secrets,
 * caches, the idempotent config apply, then listen. Used by main.ts, the CLI's serve
 * and the tests (on port 0).
 */
export async function startServer(o: StartOptions): Promise<Running> {
  const { config, file } = loadConfig(o.env.TOLLGATE_CONFIG, o.vars);
  const { sqlite, db } = openDb(o.env.TOLLGATE_DB, { sync: o.env.TOLLGATE_DB_SYNC });
  migrateDb(db, o.migrationsFolder);
  const keyFile =
    o.env.TOLLGATE_DB === ":memory:" ? "./data/secret.key" : join(dirname(o.env.TOLLGATE_DB), "secret.key");
  const cipher = createCipher(cipherKey({ secret: o.env.TOLLGATE_SECRET, keyFile }));
  const gw = new Gateway(sqlite, db, cipher, config, o.version);
  gw.reload();
  applyConfig({ db, cipher, book: gw.book }, config, Date.now());
  gw.start(Date.now());
  const { auth, generated } = AdminAuth.init(db, o.env.TOLLGATE_ADMIN_TOKEN);
  const app = buildApp(gw, { adminAuth: auth, scalarScript: o.scalarScript });
  app.listen({
    port: o.env.PORT,
    hostname: o.env.HOST,
    // Bun's own hard cap, above ours so our 413 (in the route's shape) answers first.
    maxRequestBodySize: gw.settings.bodyLimitBytes + 1024 * 1024,
    idleTimeout: 255,
  });
  const server = app.server;
  if (!server) throw new Error("server did not start");
  const port = server.port ?? o.env.PORT;
  const host = o.env.HOST === "0.0.0.0" || o.env.HOST === "::" ? "localhost" : o.env.HOST;
  let stopped = false;
  return {
    url: `http://${host}:${port}`,
    port,
    gateway: gw,
    generatedAdminToken: generated,
    configFile: file,
    async stop(graceMs = 10_000) {
      if (stopped) return;
      stopped = true;
      // Stop accepting; let requests in flight finish (bounded), then flush and close.
      const closing = server.stop(false);
      const deadline = Date.now() + graceMs;
      while (gw.inFlight > 0 && Date.now() < deadline) await Bun.sleep(20);
      await Promise.race([closing, Bun.sleep(Math.max(0, deadline - Date.now()))]);
      await server.stop(true);
      gw.stop();
      sqlite.close(false);
    },
  };
}
