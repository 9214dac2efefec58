import { and, eq, lt, sql } from "drizzle-orm";
import type { IdempotencyRow } from "../../queries/system.ts";
import type { PgConn } from "../client.ts";
import { idempotency, settings } from "../schema/index.ts";

/** Settings and stored idempotent responses on PostgreSQL: the twins of db/queries/system.ts. */

export const readSetting = async (db: PgConn, key: string): Promise<string | undefined> =>
  (await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)))[0]?.value;

export async function upsertSetting(db: PgConn, key: string, value: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}

export async function deleteSetting(db: PgConn, key: string): Promise<void> {
  await db.delete(settings).where(eq(settings.key, key));
}

export async function bumpSetting(db: PgConn, key: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value: "1" })
    .onConflictDoUpdate({
      target: settings.key,
      set: { value: sql`cast(cast(${settings.value} as bigint) + 1 as text)` },
    });
}

export async function findIdempotent(
  db: PgConn,
  keyId: string,
  idemKey: string,
): Promise<IdempotencyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotency)
    .where(and(eq(idempotency.keyId, keyId), eq(idempotency.idemKey, idemKey)));
  return row;
}

export async function purgeIdempotent(db: PgConn, before: number): Promise<void> {
  await db.delete(idempotency).where(lt(idempotency.createdAt, before));
}
