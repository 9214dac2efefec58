import { and, asc, count, eq, gt, isNull, lte, ne, or } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { adminSessions, adminUsers } from "../schema/index.ts";
import type { FullRow } from "./columns.ts";

/** Admin panel users and their cookie sessions (db/schema/admins.ts). */

export type AdminUserRow = typeof adminUsers.$inferSelect;
export type AdminSessionRow = FullRow<typeof adminSessions>;
/** A live session as the admin auth checks it: with its user's name (null for the admin token's). */
export type LiveSession = {
  id: string;
  userId: string | null;
  tokenFingerprint: string | null;
  username: string | null;
  createdAt: number;
  expiresAt: number;
};

export function countAdminUsers(db: Conn): number {
  return db.select({ n: count() }).from(adminUsers).get()?.n ?? 0;
}

export function listAdminUsers(db: Conn): AdminUserRow[] {
  return db.select().from(adminUsers).orderBy(asc(adminUsers.createdAt)).all();
}

export function adminUserById(db: Conn, id: string): AdminUserRow | undefined {
  return db.select().from(adminUsers).where(eq(adminUsers.id, id)).get();
}

export function adminUserNamed(db: Conn, username: string): AdminUserRow | undefined {
  return db.select().from(adminUsers).where(eq(adminUsers.username, username)).get();
}

export function insertAdminUser(db: Conn, row: FullRow<typeof adminUsers>): void {
  db.insert(adminUsers).values(row).run();
}

/** Deletes a user; their sessions go with them (ON DELETE CASCADE). */
export function deleteAdminUser(db: Conn, id: string): void {
  db.delete(adminUsers).where(eq(adminUsers.id, id)).run();
}

export function recordSignIn(db: Conn, id: string, at: number): void {
  db.update(adminUsers).set({ lastLoginAt: at }).where(eq(adminUsers.id, id)).run();
}

/** Ends the admin-token sessions opened under another admin token (or none). */
export function deleteStaleTokenSessions(db: Conn, fingerprint: string): void {
  db.delete(adminSessions)
    .where(
      and(
        isNull(adminSessions.userId),
        or(isNull(adminSessions.tokenFingerprint), ne(adminSessions.tokenFingerprint, fingerprint)),
      ),
    )
    .run();
}

/** Sweeps expired sessions, then stores the new one. */
export function insertSession(db: Conn, row: FullRow<typeof adminSessions>): void {
  db.delete(adminSessions).where(lte(adminSessions.expiresAt, row.createdAt)).run();
  db.insert(adminSessions).values(row).run();
}

/** The unexpired session with this token hash, with its user's name (null for the admin token's). */
export function liveSession(db: Conn, tokenHash: string, now: number): LiveSession | undefined {
  return db
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
    .where(and(eq(adminSessions.tokenHash, tokenHash), gt(adminSessions.expiresAt, now)))
    .get();
}

export function deleteSession(db: Conn, tokenHash: string): void {
  db.delete(adminSessions).where(eq(adminSessions.tokenHash, tokenHash)).run();
}
