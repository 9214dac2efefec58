import { eq, sql } from "drizzle-orm";
import type { PgConn } from "../client.ts";
import { settings } from "../schema/index.ts";

/** Settings on PostgreSQL: the twins of db/queries/system.ts. */

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
