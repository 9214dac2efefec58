import { and, count, desc, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import {
  type AppRow,
  type GrantFilter,
  type GrantRow,
  type GrantView,
  grantFilterOn,
  type OAuthCodeRow,
  REPLAYED,
} from "../../queries/oauth.ts";
import type { PgConn } from "../client.ts";
import { accounts, apiKeys, oauthApps, oauthCodes, oauthGrants, users } from "../schema/index.ts";

/**
 * OAuth apps, their codes and grants on PostgreSQL: the twins of db/queries/oauth.ts. A
 * code is spent by one conditional statement, so two exchanges of it cannot both get it.
 */

const first = <T>(rows: T[]): T | undefined => rows[0];

// Apps

/**
 * Stores an app. With `ownerLimit`, a user's own app is stored only while that user has fewer
 * live apps than the limit (db/queries/oauth.ts): one conditional statement, after the owner's
 * row is locked in the same transaction. The lock is what makes it hold across replicas: under
 * READ COMMITTED a statement counts from the snapshot it started with, so two inserts at once
 * would both count 19; the second waits for the lock and then starts its count after the
 * first's commit. False when the limit is reached.
 */
export async function insertApp(db: PgConn, row: AppRow, ownerLimit?: number): Promise<boolean> {
  const owner = row.ownerUserId;
  if (ownerLimit === undefined || owner === null) {
    await db.insert(oauthApps).values(row);
    return true;
  }
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, owner)).for("update");
    const live = tx
      .select({ n: count() })
      .from(oauthApps)
      .where(and(eq(oauthApps.ownerUserId, owner), isNull(oauthApps.deletedAt)));
    // The columns in the table's order (INSERT … SELECT lists them so), typed as the table's.
    const inserted = await tx
      .insert(oauthApps)
      .select(
        tx
          .select({
            id: sql`${row.id}::text`.as("id"),
            name: sql`${row.name}::text`.as("name"),
            redirectUris: sql`${JSON.stringify(row.redirectUris)}::text::jsonb`.as("redirect_uris"),
            status: sql`${row.status}::text`.as("status"),
            ownerUserId: users.id,
            createdAt: sql`${row.createdAt}::bigint`.as("created_at"),
            deletedAt: sql`${row.deletedAt}::bigint`.as("deleted_at"),
          })
          .from(users)
          .where(and(eq(users.id, owner), lt(sql`(${live})`, ownerLimit))),
      )
      .returning({ id: oauthApps.id });
    return inserted.length === 1;
  });
}

const liveApp = (id: string) => and(eq(oauthApps.id, id), isNull(oauthApps.deletedAt));

export const findApp = async (db: PgConn, id: string): Promise<AppRow | undefined> =>
  first(await db.select().from(oauthApps).where(liveApp(id)));

export async function listApps(
  db: PgConn,
  limit: number,
  offset: number,
  ownerUserId?: string,
): Promise<{ rows: AppRow[]; total: number }> {
  const live = and(
    isNull(oauthApps.deletedAt),
    ownerUserId === undefined ? undefined : eq(oauthApps.ownerUserId, ownerUserId),
  );
  const rows = await db
    .select()
    .from(oauthApps)
    .where(live)
    .orderBy(desc(oauthApps.createdAt))
    .limit(limit)
    .offset(offset);
  const [n] = await db.select({ n: count() }).from(oauthApps).where(live);
  return { rows, total: Number(n?.n ?? 0) };
}

export const updateApp = async (db: PgConn, id: string, set: Partial<AppRow>): Promise<AppRow | undefined> =>
  first(await db.update(oauthApps).set(set).where(liveApp(id)).returning());

export async function activeGrantCounts(db: PgConn): Promise<Map<string, number>> {
  const rows = await db
    .select({ appId: oauthGrants.appId, n: count() })
    .from(oauthGrants)
    .where(isNull(oauthGrants.revokedAt))
    .groupBy(oauthGrants.appId);
  return new Map(rows.map((r) => [r.appId, Number(r.n)]));
}

// Codes

export async function insertOAuthCode(db: PgConn, row: OAuthCodeRow): Promise<void> {
  await db.insert(oauthCodes).values(row);
}

export async function spendOAuthCode(
  db: PgConn,
  codeHash: string,
  now: number,
): Promise<OAuthCodeRow | undefined> {
  return first(
    await db
      .update(oauthCodes)
      .set({ usedAt: now })
      .where(and(eq(oauthCodes.codeHash, codeHash), isNull(oauthCodes.usedAt)))
      .returning(),
  );
}

export const findOAuthCode = async (db: PgConn, codeHash: string): Promise<OAuthCodeRow | undefined> =>
  first(await db.select().from(oauthCodes).where(eq(oauthCodes.codeHash, codeHash)));

export async function replayOAuthCode(db: PgConn, codeHash: string): Promise<OAuthCodeRow | undefined> {
  return first(
    await db
      .update(oauthCodes)
      .set({ grantId: sql`coalesce(${oauthCodes.grantId}, ${REPLAYED}::text)` })
      .where(and(eq(oauthCodes.codeHash, codeHash), isNotNull(oauthCodes.usedAt)))
      .returning(),
  );
}

export async function purgeOAuthCodes(db: PgConn, before: number): Promise<void> {
  await db.delete(oauthCodes).where(lt(oauthCodes.expiresAt, before));
}

// Grants

export function recordGrant(db: PgConn, row: GrantRow, codeId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .update(oauthCodes)
      .set({ grantId: row.id })
      .where(and(eq(oauthCodes.id, codeId), isNull(oauthCodes.grantId)))
      .returning({ id: oauthCodes.id });
    if (claimed.length) await tx.insert(oauthGrants).values(row);
    return claimed.length > 0;
  });
}

const grantViews = (db: PgConn) =>
  db
    .select({
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
    })
    .from(oauthGrants)
    .innerJoin(oauthApps, eq(oauthApps.id, oauthGrants.appId))
    .innerJoin(accounts, eq(accounts.id, oauthGrants.accountId))
    .innerJoin(users, eq(users.id, oauthGrants.userId))
    .innerJoin(apiKeys, eq(apiKeys.id, oauthGrants.keyId));

const grantWhere = (f: GrantFilter) => grantFilterOn(oauthGrants, f);

export async function listGrants(
  db: PgConn,
  f: GrantFilter,
  limit: number,
  offset: number,
): Promise<{ rows: GrantView[]; total: number }> {
  const where = grantWhere(f);
  const rows = await grantViews(db)
    .where(where)
    .orderBy(desc(oauthGrants.createdAt))
    .limit(limit)
    .offset(offset);
  const [n] = await db.select({ n: count() }).from(oauthGrants).where(where);
  return { rows, total: Number(n?.n ?? 0) };
}

export const findGrant = async (db: PgConn, id: string): Promise<GrantView | undefined> =>
  first(await grantViews(db).where(eq(oauthGrants.id, id)));

export const activeGrants = (db: PgConn, f: GrantFilter): Promise<GrantRow[]> =>
  db
    .select()
    .from(oauthGrants)
    .where(and(grantWhere(f), isNull(oauthGrants.revokedAt)));

export async function revokeGrant(db: PgConn, id: string, now: number): Promise<void> {
  await db
    .update(oauthGrants)
    .set({ revokedAt: now })
    .where(and(eq(oauthGrants.id, id), isNull(oauthGrants.revokedAt)));
}
