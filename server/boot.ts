import { dirname, join } from "node:path";
import { migrateDb, openDb } from "../db/client.ts";
import { isPostgresUrl } from "../db/engine.ts";
import { migratePg, openPg, PG_MIGRATIONS } from "../db/pg/client.ts";
import { resealProviderSecrets } from "./catalog/provider-secrets.ts";
import { pgMirror } from "./cluster/pg-mirror.ts";
import { SharedRedis } from "./cluster/shared-redis.ts";
import { applyConfig } from "./config/apply.ts";
import type { Env } from "./config/env.ts";
import { loadConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { Gateway } from "./gateway/gateway.ts";
import { applyPlans } from "./plans/apply.ts";
import { cipherKeys, createCipher } from "./secrets/cipher.ts";
import { type PgEngine, pgEngine } from "./store/pg-engine.ts";
import { type SqliteEngine, sqliteEngine } from "./store/sqlite-engine.ts";

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
  const engine = await openEngine(o);
  // The key that seals provider secrets: TOLLGATE_SECRET, else a file beside the SQLite
  // database; with no file of its own (":memory:", PostgreSQL) ./data/secret.key. Replicas
  // on PostgreSQL must share TOLLGATE_SECRET (docs/scale-out.md).
  const keyFile =
    o.env.TOLLGATE_DB === ":memory:" || engine.kind === "postgres"
      ? "./data/secret.key"
      : join(dirname(o.env.TOLLGATE_DB), "secret.key");
  const cipher = createCipher(cipherKeys({ secret: o.env.TOLLGATE_SECRET, keyFile }));
  const store = engine.store;
  await resealProviderSecrets(store, cipher);
  const shared = o.env.TOLLGATE_REDIS ? new SharedRedis(o.env.TOLLGATE_REDIS) : null;
  const gw = new Gateway(engine, cipher, config, {
    version: o.version,
    quiet: o.env.TOLLGATE_LOG_LEVEL === "silent",
    shared: shared && {
      redis: shared.client,
      subscriber: shared.subscriber,
      replicas: o.env.TOLLGATE_REPLICAS,
      // On PostgreSQL money holds are shared too: the Redis mirror of balances loads from it.
      ...(engine.kind === "postgres" ? { mirror: pgMirror(engine.db) } : {}),
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

/** A replica's PostgreSQL pool (docs/scale-out.md "Sizing"). */
const PG_POOL = 10;

/**
 * The engine TOLLGATE_DB names, migrated: a postgres:// URL is PostgreSQL (the committed
 * db/pg migrations, or the binary's embedded copy), anything else a SQLite file.
 */
async function openEngine(o: BootOptions): Promise<SqliteEngine | PgEngine> {
  if (isPostgresUrl(o.env.TOLLGATE_DB)) {
    const { client, db } = openPg(o.env.TOLLGATE_DB, { max: PG_POOL });
    try {
      await migratePg(db, o.pgMigrationsFolder ?? PG_MIGRATIONS);
    } catch (err) {
      await client.close();
      throw new Error(
        `TOLLGATE_DB names PostgreSQL at ${shownUrl(o.env.TOLLGATE_DB)}, which could not be migrated: ${(err as Error).message}`,
      );
    }
    return pgEngine(client, db, {
      poolSize: PG_POOL,
      url: o.env.TOLLGATE_DB,
      replicas: o.env.TOLLGATE_REPLICAS,
    });
  }
  const { sqlite, db } = openDb(o.env.TOLLGATE_DB, { sync: o.env.TOLLGATE_DB_SYNC });
  migrateDb(db, o.migrationsFolder);
  const walPath =
    o.env.TOLLGATE_DB_SYNC === "full" && o.env.TOLLGATE_DB !== ":memory:" ? `${o.env.TOLLGATE_DB}-wal` : null;
  return sqliteEngine(sqlite, db, { walPath });
}

/** A database URL without its password, for messages. */
const shownUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
