import type { Db } from "../../db/client.ts";
import { bumpSetting, readSetting } from "../../db/queries/system.ts";

/**
 * A counter another process (the CLI) bumps after it changed keys, models or balances.
 * A running server's connection sees `PRAGMA data_version` move on every commit by
 * another connection, its own writer thread's included; this counter tells those apart:
 * caches are rebuilt only when it moved.
 */
const KEY = "cache_generation";

export function readGeneration(db: Db): string {
  return readSetting(db, KEY) ?? "0";
}

export function bumpGeneration(db: Db): void {
  bumpSetting(db, KEY);
}
