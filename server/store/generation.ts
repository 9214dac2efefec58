import type { Database } from "bun:sqlite";

/**
 * A counter another process (the CLI) bumps after it changed keys, models or balances.
 * A running server's connection sees `PRAGMA data_version` move on every commit by
 * another connection, its own writer thread's included; this counter tells those apart:
 * caches are rebuilt only when it moved.
 */
const KEY = "cache_generation";

export function readGeneration(sqlite: Database): string {
  const row = sqlite.query("SELECT value FROM settings WHERE key = ?").get(KEY) as { value: string } | null;
  return row?.value ?? "0";
}

export function bumpGeneration(sqlite: Database): void {
  sqlite
    .query(
      "INSERT INTO settings (key, value) VALUES (?1, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
    )
    .run(KEY);
}
