import { eq } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { apiKeys } from "../schema/index.ts";
import type { FullRow } from "./columns.ts";

/** Client API keys (db/schema/keys.ts). */

export type KeyRow = typeof apiKeys.$inferSelect;

export function allKeys(db: Conn): KeyRow[] {
  return db.select().from(apiKeys).all();
}

export function keyHashExists(db: Conn, hash: string): boolean {
  return db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.hash, hash)).get() !== undefined;
}

/** Each key's last use as committed by the group commit (the in-memory keys do not track it). */
export function keysLastUsed(db: Conn): Map<string, number | null> {
  const rows = db.select({ id: apiKeys.id, at: apiKeys.lastUsedAt }).from(apiKeys).all();
  return new Map(rows.map((r) => [r.id, r.at]));
}

export function insertKey(db: Conn, row: FullRow<typeof apiKeys>): void {
  db.insert(apiKeys).values(row).run();
}

/** Applies a patch (none: reads the row); the row after it, or undefined for an unknown id. */
export function updateKey(db: Conn, id: string, set: Partial<KeyRow>): KeyRow | undefined {
  return Object.keys(set).length
    ? db.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning().get()
    : db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}
