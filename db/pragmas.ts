import type { Database } from "bun:sqlite";
import type { Db } from "./client.ts";

/**
 * SQLite pragmas the server reads at run time. Drizzle has no API for pragmas, so they
 * stay raw here (with the connection's own in client.ts and the backup's in
 * maintenance.ts); the query modules of db/queries hold every statement on a table.
 */

/** A reader of `PRAGMA data_version`: it moves when another connection committed. */
export function dataVersionReader(sqlite: Database): () => number {
  const statement = sqlite.prepare("PRAGMA data_version");
  return () => (statement.get() as { data_version: number }).data_version;
}

/** The connection's journal mode ("wal"); throws when the database cannot be read. */
export function journalMode(db: Db): string {
  return (db.$client.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode;
}
