import { and, eq, lt, sql } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { idempotency, settings } from "../schema/index.ts";
import { everyColumn, type FullRow, lazy } from "./columns.ts";

/** Settings and stored idempotent responses (db/schema/system.ts). */

export function readSetting(db: Conn, key: string): string | undefined {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value;
}

/** A reader of one setting, prepared once: for a value read on the request path. */
export function settingReader(db: Conn, key: string): () => string | undefined {
  const read = lazy(() =>
    db
      .select({ value: settings.value })
      .from(settings)
      .where(eq(settings.key, sql.placeholder("key")))
      .prepare(),
  );
  return () => read().get({ key })?.value;
}

export function writeSetting(db: Conn, key: string, value: string): void {
  db.insert(settings).values({ key, value }).run();
}

/** Sets a setting whether or not it exists. */
export function upsertSetting(db: Conn, key: string, value: string): void {
  db.insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } })
    .run();
}

export function deleteSetting(db: Conn, key: string): void {
  db.delete(settings).where(eq(settings.key, key)).run();
}

/** Adds one to an integer-valued setting (a missing one becomes "1"), in one statement. */
export function bumpSetting(db: Conn, key: string): void {
  db.insert(settings)
    .values({ key, value: "1" })
    .onConflictDoUpdate({
      target: settings.key,
      set: { value: sql`cast(cast(${settings.value} as integer) + 1 as text)` },
    })
    .run();
}

export type IdempotencyRow = FullRow<typeof idempotency>;

/** A stored response replaces an older one under the same key (the old one has expired). */
export const prepareIdempotencyPut = (db: Conn) => {
  const values = everyColumn(idempotency);
  const { keyId: _k, idemKey: _i, ...rest } = values;
  return db
    .insert(idempotency)
    .values(values)
    .onConflictDoUpdate({ target: [idempotency.keyId, idempotency.idemKey], set: rest })
    .prepare();
};

/** The idempotency lookups of the request path, prepared once on the main connection. */
export function idempotencyQueries(db: Conn) {
  const find = lazy(() =>
    db
      .select()
      .from(idempotency)
      .where(
        and(
          eq(idempotency.keyId, sql.placeholder("keyId")),
          eq(idempotency.idemKey, sql.placeholder("idemKey")),
        ),
      )
      .prepare(),
  );
  return {
    find: (keyId: string, idemKey: string): IdempotencyRow | undefined => find().get({ keyId, idemKey }),
    /** Deletes responses stored before `before`. */
    purge: (before: number): void => {
      db.delete(idempotency).where(lt(idempotency.createdAt, before)).run();
    },
  };
}
