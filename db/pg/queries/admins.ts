import { asc, count, eq } from "drizzle-orm";
import type { AdminUserRow } from "../../queries/admins.ts";
import type { FullRow } from "../../queries/columns.ts";
import type { adminUsers as sqliteAdminUsers } from "../../schema/index.ts";
import type { PgConn } from "../client.ts";
import { adminUsers } from "../schema/index.ts";

/** Admin panel users on PostgreSQL: the twins of db/queries/admins.ts. */

export async function countAdminUsers(db: PgConn): Promise<number> {
  const [row] = await db.select({ n: count() }).from(adminUsers);
  return Number(row?.n ?? 0);
}

export const listAdminUsers = (db: PgConn): Promise<AdminUserRow[]> =>
  db.select().from(adminUsers).orderBy(asc(adminUsers.createdAt));

export async function adminUserById(db: PgConn, id: string): Promise<AdminUserRow | undefined> {
  return (await db.select().from(adminUsers).where(eq(adminUsers.id, id)))[0];
}

export async function adminUserNamed(db: PgConn, username: string): Promise<AdminUserRow | undefined> {
  return (await db.select().from(adminUsers).where(eq(adminUsers.username, username)))[0];
}

export async function insertAdminUser(db: PgConn, row: FullRow<typeof sqliteAdminUsers>): Promise<void> {
  await db.insert(adminUsers).values(row);
}

/** Deletes a user; their sessions go with them (ON DELETE CASCADE). */
export async function deleteAdminUser(db: PgConn, id: string): Promise<void> {
  await db.delete(adminUsers).where(eq(adminUsers.id, id));
}

export async function recordSignIn(db: PgConn, id: string, at: number): Promise<void> {
  await db.update(adminUsers).set({ lastLoginAt: at }).where(eq(adminUsers.id, id));
}
