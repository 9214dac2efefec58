import type { Database } from "bun:sqlite";
import type { Db } from "../../db/client.ts";
import { dataVersionReader, journalMode } from "../../db/pragmas.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import { idempotencyQueries } from "../../db/queries/system.ts";
import type { ChangeSignal, Engine } from "./engine.ts";
import { generationReader } from "./generation.ts";
import { InlineWriter } from "./inline-writer.ts";
import { WalSync } from "./wal-sync.ts";

export type SqliteEngine = Engine & { readonly kind: "sqlite"; readonly sqlite: Database; readonly db: Db };

/**
 * SQLite, one process's file: group commits in-thread (start.ts may hand them to a writer
 * thread), the idempotency lookup prepared and synchronous, and changes by other
 * connections seen through `data_version` and the cache generation as each request arrives.
 */
export function sqliteEngine(sqlite: Database, db: Db, opts: { walPath?: string | null } = {}): SqliteEngine {
  return {
    kind: "sqlite",
    sqlite,
    db,
    store: sqliteStore(db),
    writer: () => new InlineWriter(sqlite, opts.walPath ? new WalSync(opts.walPath) : null),
    changes: sqliteChanges(sqlite, db),
    idempotencyRows: idempotencyQueries(db),
    describe: () => ({ engine: "sqlite", journal_mode: journalMode(db) }),
    unreachable: () => false,
    close: async () => sqlite.close(false),
  };
}

function sqliteChanges(sqlite: Database, db: Db): ChangeSignal {
  const dataVersion = dataVersionReader(sqlite);
  const generation = generationReader(db);
  let lastDataVersion = -1;
  let lastGeneration = "";
  let lastCheck = -Infinity;
  return {
    poll() {
      // At most once a millisecond: under load many requests share one check.
      const now = performance.now();
      if (now - lastCheck < 1) return false;
      lastCheck = now;
      const v = dataVersion();
      if (v === lastDataVersion) return false;
      // Another connection committed: usually our own writer thread; the CLI bumps the generation.
      lastDataVersion = v;
      return generation() !== lastGeneration;
    },
    mark() {
      const v = dataVersion();
      const g = generation();
      return () => {
        lastDataVersion = v;
        lastGeneration = g;
      };
    },
    watch() {},
    stop() {},
  };
}
