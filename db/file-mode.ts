import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

/** Owner read and write only: the database holds balances, key hashes and sealed provider secrets. */
export const PRIVATE_MODE = 0o600;

/**
 * Creates `path` empty with mode 0600 when it does not exist, and narrows an existing
 * database and its -wal and -shm files to 0600. SQLite gives the -wal and -shm files the
 * database file's own mode, so a private database keeps its companions private. Narrowing
 * is best effort: a file owned by another user (a shared volume) is left as it is.
 */
export function makePrivate(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", PRIVATE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, PRIVATE_MODE);
    } catch {
      // absent (no -wal yet) or not ours to change
    }
  }
}
