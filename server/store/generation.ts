import type { Db } from "../../db/client.ts";
import { settingReader } from "../../db/queries/system.ts";
import type { Store } from "../../db/store.ts";

/**
 * A counter another process (the CLI) bumps after it changed keys, models or balances.
 * On SQLite a running server's connection sees `PRAGMA data_version` move on every commit
 * by another connection, its own writer thread's included; this counter tells those apart:
 * caches are rebuilt only when it moved. On PostgreSQL each replica polls it
 * (store/pg-engine.ts).
 */
export const GENERATION_KEY = "cache_generation";

/** A reader of the counter, prepared once: the server reads it after most commits of its writer thread. */
export function generationReader(db: Db): () => string {
  const read = settingReader(db, GENERATION_KEY);
  return () => read() ?? "0";
}

/** Moves the counter through the Store (either engine): running servers reload their caches. */
export function bumpGeneration(store: Store): Promise<void> {
  return store.settings.bump(GENERATION_KEY);
}
