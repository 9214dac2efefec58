import { eq } from "drizzle-orm";
import type { FullRow } from "../../queries/columns.ts";
import type { KeyRow } from "../../queries/keys.ts";
import type { apiKeys as sqliteKeys } from "../../schema/index.ts";
import type { PgConn } from "../client.ts";
import { apiKeys } from "../schema/index.ts";

/** Client API keys on PostgreSQL: the twins of db/queries/keys.ts. */

export const allKeys = (db: PgConn): Promise<KeyRow[]> => db.select().from(apiKeys);

export async function keyHashExists(db: PgConn, hash: string): Promise<boolean> {
  const rows = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
  return rows.length > 0;
}

export async function keysLastUsed(db: PgConn): Promise<Map<string, number | null>> {
  const rows = await db.select({ id: apiKeys.id, at: apiKeys.lastUsedAt }).from(apiKeys);
  return new Map(rows.map((r) => [r.id, r.at]));
}

export async function insertKey(db: PgConn, row: FullRow<typeof sqliteKeys>): Promise<void> {
  await db.insert(apiKeys).values(row);
}

export async function updateKey(db: PgConn, id: string, set: Partial<KeyRow>): Promise<KeyRow | undefined> {
  const rows = Object.keys(set).length
    ? await db.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning()
    : await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return rows[0];
}
