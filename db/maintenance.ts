import { Database } from "bun:sqlite";
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { makePrivate } from "./file-mode.ts";

/** How many drizzle migrations the database has applied (0 for a new file). */
export function appliedMigrations(sqlite: Database): number {
  const table = sqlite
    .query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (!table) return 0;
  return (sqlite.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
}

export class BackupError extends Error {}

/**
 * Writes a consistent copy of the database at `source` to `target` with VACUUM INTO: one
 * read transaction, so a server writing in WAL mode meanwhile is neither blocked nor seen
 * half-way. The copy is written beside the target, checked (quick_check), flushed to disk
 * (SQLite does not fsync VACUUM INTO's output) and only then given its name, so `target` is
 * either absent, the old file, or a complete backup. An existing target is kept unless `force`.
 */
export function backupDatabase(source: string, target: string, opts: { force?: boolean } = {}) {
  if (source === ":memory:" || !existsSync(source)) throw new BackupError(`No database at ${source}`);
  if (resolve(source) === resolve(target)) throw new BackupError("The backup cannot replace the database");
  if (existsSync(target) && !opts.force) throw exists(target);
  mkdirSync(dirname(resolve(target)), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    // VACUUM INTO fills an empty file as it finds it: created 0600, the copy is never readable by others.
    makePrivate(partial);
    withDb(new Database(source, { readwrite: true, create: false }), (db) => {
      db.run("PRAGMA busy_timeout = 5000");
      db.run("VACUUM INTO ?", [partial]);
    });
    const migrations = withDb(new Database(partial, { readonly: true }), (copy) => {
      const check = copy.query("PRAGMA quick_check").get() as { quick_check: string };
      if (check.quick_check !== "ok")
        throw new BackupError(`The copy failed its check: ${check.quick_check}`);
      return appliedMigrations(copy);
    });
    const fd = openSync(partial, "r");
    fsyncSync(fd);
    closeSync(fd);
    if (opts.force) renameSync(partial, target);
    else placeNew(partial, target);
    return { bytes: statSync(target).size, migrations };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** A hard link fails if `target` appeared meanwhile, where a rename would replace it. */
function placeNew(partial: string, target: string) {
  try {
    linkSync(partial, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw exists(target);
    throw err;
  }
  rmSync(partial);
}

const exists = (target: string) => new BackupError(`${target} already exists; pass --force to overwrite it`);

function withDb<T>(db: Database, fn: (db: Database) => T): T {
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
