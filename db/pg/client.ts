import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sql";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import * as schema from "./schema/index.ts";

/**
 * The PostgreSQL connection: Bun's built-in client (`Bun.SQL`, a pool) under Drizzle's
 * PostgreSQL dialect. Bun's client is used rather than a driver package because it needs
 * nothing installed and passes the tests of db/pg and the replicas' suite (docs/scale-out.md).
 */
export type PgDb = ReturnType<typeof openPg>["db"];
/** A pool or a transaction open on it (a savepoint, nested): what the queries of db/pg/queries take. */
export type PgConn = PgDb | Parameters<Parameters<PgDb["transaction"]>[0]>[0];

export const PG_MIGRATIONS = join(import.meta.dir, "migrations");

/** Opens a pool of `max` connections (a replica's share of the server's max_connections: docs/scale-out.md). */
export function openPg(url: string, opts: { max?: number } = {}) {
  const client = new Bun.SQL(url, { max: opts.max ?? 10 });
  return { client, db: drizzle({ client, schema }) };
}

/** Applies the committed PostgreSQL migrations; concurrent replicas serialize on drizzle's migrations table lock. */
export async function migratePg(db: PgDb, migrationsFolder = PG_MIGRATIONS): Promise<void> {
  await migrate(db, { migrationsFolder });
}
