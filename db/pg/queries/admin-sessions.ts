import { and, eq, gt, isNull, lte, ne, or } from "drizzle-orm";
import type { AdminSessionRow, LiveSession } from "../../queries/admins.ts";
import type { PgConn } from "../client.ts";
import { adminSessions, adminUsers } from "../schema/index.ts";

/** Admin panel sessions on PostgreSQL: the twins of db/queries/admins.ts. */

export async function deleteStaleTokenSessions(db: PgConn, fingerprint: string): Promise<void> {
  await db
    .delete(adminSessions)
    .where(
      and(
        isNull(adminSessions.userId),
        or(isNull(adminSessions.tokenFingerprint), ne(adminSessions.tokenFingerprint, fingerprint)),
      ),
    );
}

/** Sweeps expired sessions, then stores the new one, in one transaction. */
export async function insertSession(db: PgConn, row: AdminSessionRow): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(adminSessions).where(lte(adminSessions.expiresAt, row.createdAt));
    await tx.insert(adminSessions).values(row);
  });
}

export async function liveSession(
  db: PgConn,
  tokenHash: string,
  now: number,
): Promise<LiveSession | undefined> {
  const [row] = await db
    .select({
      id: adminSessions.id,
      userId: adminSessions.userId,
      tokenFingerprint: adminSessions.tokenFingerprint,
      username: adminUsers.username,
      createdAt: adminSessions.createdAt,
      expiresAt: adminSessions.expiresAt,
    })
    .from(adminSessions)
    .leftJoin(adminUsers, eq(adminUsers.id, adminSessions.userId))
    .where(and(eq(adminSessions.tokenHash, tokenHash), gt(adminSessions.expiresAt, now)));
  return row;
}

export async function deleteSession(db: PgConn, tokenHash: string): Promise<void> {
  await db.delete(adminSessions).where(eq(adminSessions.tokenHash, tokenHash));
}
