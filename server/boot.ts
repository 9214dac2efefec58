import { dirname, join } from "node:path";
import { migrateDb, openDb } from "../db/client.ts";
import { isPostgresUrl } from "../db/engine.ts";
import { sqliteStore } from "../db/queries/store.ts";
import { resealProviderSecrets } from "./catalog/provider-secrets.ts";
import { SharedRedis } from "./cluster/shared-redis.ts";
import { applyConfig } from "./config/apply.ts";
import type { Env } from "./config/env.ts";
import { loadConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { Gateway } from "./gateway/gateway.ts";
import { applyPlans } from "./plans/apply.ts";
import { cipherKeys, createCipher } from "./secrets/cipher.ts";

export const DEFAULT_MIGRATIONS = join(import.meta.dir, "..", "db", "migrations");

export type BootOptions = {
  env: Env;
  /** The process environment, for `${VAR}` interpolation in tollgate.yaml. */
  vars: Record<string, string | undefined>;
  migrationsFolder: string;
  /** The PostgreSQL migrations (db/pg/migrations); the compiled binary passes its embedded copy. */
  pgMigrationsFolder?: string;
  version: string;
};

export type Booted = {
  gw: Gateway;
  config: Config;
  configFile: string | null;
  /** TOLLGATE_REDIS's connections (not yet connected: start.ts connects them), else null. */
  shared: SharedRedis | null;
};

/**
 * Everything before listening, shared by the server and the CLI: config (a bad file
 * stops here), database and migrations, secrets, caches, then the idempotent config apply.
 */
export async function openGateway(o: BootOptions): Promise<Booted> {
  const { config, file } = loadConfig(o.env.TOLLGATE_CONFIG, o.vars);
  if (isPostgresUrl(o.env.TOLLGATE_DB))
    // Not a SQLite file named "postgres:…": say plainly what is missing (docs/scale-out.md).
    throw new Error(
      "TOLLGATE_DB names PostgreSQL, but the services do not run on it yet: the schema and migrations are ready (db/pg), the async query layer is not (docs/scale-out.md). Use a SQLite file for now.",
    );
  const { sqlite, db } = openDb(o.env.TOLLGATE_DB, { sync: o.env.TOLLGATE_DB_SYNC });
  migrateDb(db, o.migrationsFolder);
  const keyFile =
    o.env.TOLLGATE_DB === ":memory:" ? "./data/secret.key" : join(dirname(o.env.TOLLGATE_DB), "secret.key");
  const cipher = createCipher(cipherKeys({ secret: o.env.TOLLGATE_SECRET, keyFile }));
  const store = sqliteStore(db);
  await resealProviderSecrets(store, cipher);
  const shared = o.env.TOLLGATE_REDIS ? new SharedRedis(o.env.TOLLGATE_REDIS) : null;
  const gw = new Gateway(sqlite, db, store, cipher, config, {
    version: o.version,
    quiet: o.env.TOLLGATE_LOG_LEVEL === "silent",
    walPath:
      o.env.TOLLGATE_DB_SYNC === "full" && o.env.TOLLGATE_DB !== ":memory:"
        ? `${o.env.TOLLGATE_DB}-wal`
        : null,
    shared: shared && {
      redis: shared.client,
      subscriber: shared.subscriber,
      replicas: o.env.TOLLGATE_REPLICAS,
    },
  });
  // Metrics label only the catalog's model ids (gateway.ts could pass this to Metrics itself).
  gw.metrics.labelModelsBy((id) => gw.catalog.model(id) !== undefined);
  await gw.reload();
  await applyConfig({ store, cipher, book: gw.book }, config, Date.now());
  await applyPlans(gw.plans, config.plans, Date.now());
  await gw.reload();
  return { gw, config, configFile: file, shared };
}
