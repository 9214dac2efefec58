import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { makePrivate } from "./file-mode.ts";
import * as schema from "./schema/index.ts";

export type Db = ReturnType<typeof attach>;
/** A connection or a transaction open on it: what the queries of db/queries take. */
export type Conn = BaseSQLiteDatabase<"sync", void, typeof schema>;
export type SyncMode = "full" | "normal";

/**
 * Opens the SQLite file in WAL mode, readable by its owner only (file-mode.ts). `synchronous=FULL` by default: a commit is on disk
 * before we answer, which is what "billed and logged durably" means; NORMAL keeps data
 * across a process crash (kill -9) but may lose the last commits on power loss.
 */
export function openDb(path: string, opts: { sync?: SyncMode } = {}) {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true });
    makePrivate(path);
  }
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.run("PRAGMA journal_mode = WAL");
  sqlite.run(`PRAGMA synchronous = ${opts.sync === "normal" ? "NORMAL" : "FULL"}`);
  sqlite.run("PRAGMA busy_timeout = 5000");
  sqlite.run("PRAGMA foreign_keys = ON");
  return { sqlite, db: attach(sqlite) };
}

/** The query builder over an open connection (the writer thread's own, too). */
export function attach(sqlite: Database) {
  return drizzle({ client: sqlite, schema });
}

/** Applies the committed drizzle-kit migrations. Synchronous: run it before listening. */
export function migrateDb(db: Db, migrationsFolder: string) {
  migrate(db, { migrationsFolder });
}
