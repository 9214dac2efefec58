import { and, type Column, desc, eq, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Conn, Db } from "../client.ts";
import { accounts, apiKeys, oauthApps, oauthCodes, oauthGrants, users } from "../schema/index.ts";

/** OAuth apps, their authorization codes and the grants users gave them (db/schema/oauth.ts). */

export type AppRow = typeof oauthApps.$inferSelect;
export type OAuthCodeRow = typeof oauthCodes.$inferSelect;
export type GrantRow = typeof oauthGrants.$inferSelect;
/** A grant with the names a list shows: the app's, the account's, the user's, the key's. */
export type GrantView = GrantRow & {
  appName: string;
  accountName: string;
  userEmail: string;
  keyPrefix: string;
  keyLastUsedAt: number | null;
};

// Apps

/**
 * Stores an app. With `ownerLimit`, a user's own app is stored only while that user has fewer
 * live apps than the limit, in one conditional statement (the count and the insert together),
 * so registrations at once, from any process, cannot pass it: false when it would.
 */
export function insertApp(db: Conn, row: AppRow, ownerLimit?: number): boolean {
  if (ownerLimit === undefined || row.ownerUserId === null) {
    db.insert(oauthApps).values(row).run();
    return true;
  }
  const owner = row.ownerUserId;
  const live = db
    .select({ n: sql`count(*)` })
    .from(oauthApps)
    .where(and(eq(oauthApps.ownerUserId, owner), isNull(oauthApps.deletedAt)));
  // The columns in the table's order (INSERT … SELECT lists them so), the owner's row as the one source row.
  const inserted = db
    .insert(oauthApps)
    .select(
      db
        .select({
          id: sql`${row.id}`.as("id"),
          name: sql`${row.name}`.as("name"),
          redirectUris: sql`${JSON.stringify(row.redirectUris)}`.as("redirect_uris"),
          status: sql`${row.status}`.as("status"),
          ownerUserId: users.id,
          createdAt: sql`${row.createdAt}`.as("created_at"),
          deletedAt: sql`${row.deletedAt}`.as("deleted_at"),
        })
        .from(users)
        .where(and(eq(users.id, owner), lt(sql`(${live})`, ownerLimit))),
    )
    .returning({ id: oauthApps.id })
    .all();
  return inserted.length === 1;
}

/** An app not deleted. */
export function findApp(db: Conn, id: string): AppRow | undefined {
  return db
    .select()
    .from(oauthApps)
    .where(and(eq(oauthApps.id, id), isNull(oauthApps.deletedAt)))
    .get();
}

/** Apps not deleted, newest first; with `ownerUserId`, only that user's own. */
export function listApps(
  db: Conn,
  limit: number,
  offset: number,
  ownerUserId?: string,
): { rows: AppRow[]; total: number } {
  const live = and(
    isNull(oauthApps.deletedAt),
    ownerUserId === undefined ? undefined : eq(oauthApps.ownerUserId, ownerUserId),
  );
  const rows = db
    .select()
    .from(oauthApps)
    .where(live)
    .orderBy(desc(oauthApps.createdAt))
    .limit(limit)
    .offset(offset)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(oauthApps).where(live).get()?.n ?? 0;
  return { rows, total };
}

export function updateApp(db: Conn, id: string, set: Partial<AppRow>): AppRow | undefined {
  return db
    .update(oauthApps)
    .set(set)
    .where(and(eq(oauthApps.id, id), isNull(oauthApps.deletedAt)))
    .returning()
    .get();
}

/** Active grants per app (the admin list shows how many each holds). */
export function activeGrantCounts(db: Conn): Map<string, number> {
  const rows = db
    .select({ appId: oauthGrants.appId, n: sql<number>`count(*)` })
    .from(oauthGrants)
    .where(isNull(oauthGrants.revokedAt))
    .groupBy(oauthGrants.appId)
    .all();
  return new Map(rows.map((r) => [r.appId, r.n]));
}

// Codes

export function insertOAuthCode(db: Conn, row: OAuthCodeRow): void {
  db.insert(oauthCodes).values(row).run();
}

/**
 * Spends a code: marks it used if it was not, in one statement (two exchanges of one code
 * cannot both get it). The row, or undefined when it is unknown or was used already.
 * Expiry and bindings are checked by the caller after: a spent code is gone either way.
 */
export function spendOAuthCode(db: Conn, codeHash: string, now: number): OAuthCodeRow | undefined {
  return db
    .update(oauthCodes)
    .set({ usedAt: now })
    .where(and(eq(oauthCodes.codeHash, codeHash), isNull(oauthCodes.usedAt)))
    .returning()
    .get();
}

export function findOAuthCode(db: Conn, codeHash: string): OAuthCodeRow | undefined {
  return db.select().from(oauthCodes).where(eq(oauthCodes.codeHash, codeHash)).get();
}

/** What a used code's `grantId` holds once it was presented again before its grant was recorded. */
export const REPLAYED = "replayed";

/**
 * A used code presented again: the row, its `grantId` marked REPLAYED if no grant came of
 * it yet (so an exchange still in flight records none), in one statement; undefined for
 * an unknown or unused code.
 */
export function replayOAuthCode(db: Conn, codeHash: string): OAuthCodeRow | undefined {
  return db
    .update(oauthCodes)
    .set({ grantId: sql`coalesce(${oauthCodes.grantId}, ${REPLAYED})` })
    .where(and(eq(oauthCodes.codeHash, codeHash), isNotNull(oauthCodes.usedAt)))
    .returning()
    .get();
}

export function purgeOAuthCodes(db: Conn, before: number): void {
  db.delete(oauthCodes).where(lt(oauthCodes.expiresAt, before)).run();
}

// Grants

/**
 * Records a grant on the code it came from (a replayed code revokes it), in one
 * transaction, unless the code was presented again meanwhile (`replayOAuthCode`): then
 * nothing is written and false comes back (the exchange refuses, its key revoked).
 */
export function recordGrant(db: Db, row: GrantRow, codeId: string): boolean {
  return db.transaction((tx) => {
    const claimed = tx
      .update(oauthCodes)
      .set({ grantId: row.id })
      .where(and(eq(oauthCodes.id, codeId), isNull(oauthCodes.grantId)))
      .returning({ id: oauthCodes.id })
      .get();
    if (claimed) tx.insert(oauthGrants).values(row).run();
    return claimed !== undefined;
  });
}

const grantColumns = {
  id: oauthGrants.id,
  appId: oauthGrants.appId,
  userId: oauthGrants.userId,
  accountId: oauthGrants.accountId,
  keyId: oauthGrants.keyId,
  createdAt: oauthGrants.createdAt,
  revokedAt: oauthGrants.revokedAt,
  appName: oauthApps.name,
  accountName: accounts.name,
  userEmail: users.email,
  keyPrefix: apiKeys.prefix,
  keyLastUsedAt: apiKeys.lastUsedAt,
};

const grantViews = (db: Conn) =>
  db
    .select(grantColumns)
    .from(oauthGrants)
    .innerJoin(oauthApps, eq(oauthApps.id, oauthGrants.appId))
    .innerJoin(accounts, eq(accounts.id, oauthGrants.accountId))
    .innerJoin(users, eq(users.id, oauthGrants.userId))
    .innerJoin(apiKeys, eq(apiKeys.id, oauthGrants.keyId));

export type GrantFilter = { userId?: string; accountId?: string; appId?: string };

/** The filter over either engine's grants table (`eq` is dialect-neutral SQL). */
export function grantFilterOn(
  t: { userId: Column; accountId: Column; appId: Column },
  f: GrantFilter,
): SQL | undefined {
  const conds: SQL[] = [];
  if (f.userId) conds.push(eq(t.userId, f.userId));
  if (f.accountId) conds.push(eq(t.accountId, f.accountId));
  if (f.appId) conds.push(eq(t.appId, f.appId));
  return conds.length ? and(...conds) : undefined;
}

const grantWhere = (f: GrantFilter) => grantFilterOn(oauthGrants, f);

/** Grants, newest first, with the names a list shows. */
export function listGrants(
  db: Conn,
  f: GrantFilter,
  limit: number,
  offset: number,
): { rows: GrantView[]; total: number } {
  const where = grantWhere(f);
  const rows = grantViews(db)
    .where(where)
    .orderBy(desc(oauthGrants.createdAt))
    .limit(limit)
    .offset(offset)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(oauthGrants).where(where).get()?.n ?? 0;
  return { rows, total };
}

export function findGrant(db: Conn, id: string): GrantView | undefined {
  return grantViews(db).where(eq(oauthGrants.id, id)).get();
}

/** Active grants of an app, a user, an account (revoked together: the app deleted, the user disabled or leaving). */
export function activeGrants(db: Conn, f: GrantFilter): GrantRow[] {
  return db
    .select()
    .from(oauthGrants)
    .where(and(grantWhere(f), isNull(oauthGrants.revokedAt)))
    .all();
}

export function revokeGrant(db: Conn, id: string, now: number): void {
  db.update(oauthGrants)
    .set({ revokedAt: now })
    .where(and(eq(oauthGrants.id, id), isNull(oauthGrants.revokedAt)))
    .run();
}
