import type { Db } from "../../db/client.ts";
import { bumpSetting, settingReader } from "../../db/queries/system.ts";

/**
 * A counter another process (the CLI) bumps after it changed keys, models or balances.
 * A running server's connection sees `PRAGMA data_version` move on every commit by
 * another connection, its own writer thread's included; this counter tells those apart:
 * caches are rebuilt only when it moved.
 */
const KEY = "cache_generation";

/** A reader of the counter, prepared once: the server reads it after most commits of its writer thread. */
export function generationReader(db: Db): () => string {
  const read = settingReader(db, KEY);
  return () => read() ?? "0";
}

export function bumpGeneration(db: Db): void {
  bumpSetting(db, KEY);
}
