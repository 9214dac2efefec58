import { and, count, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type {
  CodeRow,
  ExternalIdentityRow,
  InviteRow,
  MailRow,
  MemberRow,
  MembershipView,
  SessionRow,
  UserRow,
} from "../../queries/identity.ts";
import type { PgConn } from "../client.ts";
import {
  accountMembers,
  accounts,
  emailCodes,
  externalIdentities,
  invites,
  mailOutbox,
  userSessions,
  users,
} from "../schema/index.ts";

/**
 * People, memberships, invites, e-mail codes, sessions, the outbox and external subjects
 * on PostgreSQL: the twins of db/queries/identity.ts. What must happen once (a code's
 * attempt, a ticket, an invite, a session's rotation) is one conditional statement, as there.
 */

const first = <T>(rows: T[]): T | undefined => rows[0];

// Users

export const findUserByEmail = async (db: PgConn, email: string): Promise<UserRow | undefined> =>
  first(await db.select().from(users).where(eq(users.email, email)));

export const findUser = async (db: PgConn, id: string): Promise<UserRow | undefined> =>
  first(await db.select().from(users).where(eq(users.id, id)));

export async function listUsers(
  db: PgConn,
  limit: number,
  offset: number,
): Promise<{ rows: UserRow[]; total: number }> {
  const rows = await db.select().from(users).orderBy(desc(users.createdAt)).limit(limit).offset(offset);
  const [n] = await db.select({ n: count() }).from(users);
  return { rows, total: Number(n?.n ?? 0) };
}

export async function insertUser(db: PgConn, row: UserRow): Promise<boolean> {
  const rows = await db
    .insert(users)
    .values(row)
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  return rows.length > 0;
}

export const updateUser = async (
  db: PgConn,
  id: string,
  set: Partial<UserRow>,
): Promise<UserRow | undefined> => first(await db.update(users).set(set).where(eq(users.id, id)).returning());

// Memberships

const membershipColumns = {
  accountId: accountMembers.accountId,
  userId: accountMembers.userId,
  role: accountMembers.role,
  keyId: accountMembers.keyId,
  createdAt: accountMembers.createdAt,
  accountName: accounts.name,
  email: users.email,
};

const memberships = (db: PgConn) =>
  db
    .select(membershipColumns)
    .from(accountMembers)
    .innerJoin(accounts, eq(accounts.id, accountMembers.accountId))
    .innerJoin(users, eq(users.id, accountMembers.userId));

export const membershipsOfUser = (db: PgConn, userId: string): Promise<MembershipView[]> =>
  memberships(db).where(eq(accountMembers.userId, userId)).orderBy(accountMembers.createdAt);

export const membersOfAccount = (db: PgConn, accountId: string): Promise<MembershipView[]> =>
  memberships(db).where(eq(accountMembers.accountId, accountId)).orderBy(accountMembers.createdAt);

export const allMemberships = (db: PgConn): Promise<MemberRow[]> => db.select().from(accountMembers);

export async function insertMembership(db: PgConn, row: MemberRow): Promise<void> {
  await db.insert(accountMembers).values(row);
}

const member = (accountId: string, userId: string) =>
  and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId));

export async function membership(
  db: PgConn,
  accountId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  const [row] = await db.select().from(accountMembers).where(member(accountId, userId)).limit(1);
  return row;
}

export async function setMemberRole(
  db: PgConn,
  accountId: string,
  userId: string,
  role: MemberRow["role"],
): Promise<void> {
  await db.update(accountMembers).set({ role }).where(member(accountId, userId));
}

export async function deleteMembership(db: PgConn, accountId: string, userId: string): Promise<void> {
  await db.delete(accountMembers).where(member(accountId, userId));
}

// Invites

export async function insertInvite(db: PgConn, row: InviteRow): Promise<void> {
  await db.insert(invites).values(row);
}

export const pendingInvites = (db: PgConn, email: string, now: number): Promise<InviteRow[]> =>
  db
    .select()
    .from(invites)
    .where(
      and(
        eq(invites.email, email),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, now),
      ),
    )
    .orderBy(invites.createdAt);

export function listInvites(db: PgConn, accountId: string | null, limit: number): Promise<InviteRow[]> {
  return db
    .select()
    .from(invites)
    .where(accountId === null ? undefined : eq(invites.accountId, accountId))
    .orderBy(desc(invites.createdAt))
    .limit(limit);
}

export const findInvite = async (db: PgConn, id: string): Promise<InviteRow | undefined> =>
  first(await db.select().from(invites).where(eq(invites.id, id)));

const openInvite = (id: string) =>
  and(eq(invites.id, id), isNull(invites.acceptedAt), isNull(invites.revokedAt));

export async function acceptInvite(db: PgConn, id: string, now: number): Promise<boolean> {
  const rows = await db
    .update(invites)
    .set({ acceptedAt: now })
    .where(openInvite(id))
    .returning({ id: invites.id });
  return rows.length > 0;
}

export async function revokeInvite(db: PgConn, id: string, now: number): Promise<void> {
  await db.update(invites).set({ revokedAt: now }).where(openInvite(id));
}

// E-mail codes

export async function issueCode(db: PgConn, row: CodeRow): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(emailCodes)
      .set({ usedAt: row.createdAt })
      .where(and(eq(emailCodes.email, row.email), isNull(emailCodes.usedAt)));
    await tx.insert(emailCodes).values(row);
  });
}

export async function openCode(db: PgConn, email: string, now: number): Promise<CodeRow | undefined> {
  return first(
    await db
      .select()
      .from(emailCodes)
      .where(and(eq(emailCodes.email, email), isNull(emailCodes.usedAt), gt(emailCodes.expiresAt, now)))
      .orderBy(desc(emailCodes.createdAt))
      .limit(1),
  );
}

export async function attemptCode(
  db: PgConn,
  id: string,
  max: number,
  now: number,
): Promise<CodeRow | undefined> {
  return first(
    await db
      .update(emailCodes)
      .set({
        attempts: sql`${emailCodes.attempts} + 1`,
        usedAt: sql`case when ${emailCodes.attempts} + 1 >= ${max}::bigint then ${now}::bigint else null end`,
      })
      .where(
        and(
          eq(emailCodes.id, id),
          isNull(emailCodes.usedAt),
          gt(emailCodes.expiresAt, now),
          lt(emailCodes.attempts, max),
        ),
      )
      .returning(),
  );
}

export async function redeemCode(
  db: PgConn,
  id: string,
  ticket: { hash: string; expiresAt: number },
  now: number,
): Promise<boolean> {
  const rows = await db
    .update(emailCodes)
    .set({ usedAt: now, ticketHash: ticket.hash, ticketExpiresAt: ticket.expiresAt })
    .where(and(eq(emailCodes.id, id), isNull(emailCodes.ticketHash)))
    .returning({ id: emailCodes.id });
  return rows.length > 0;
}

export async function spendTicket(db: PgConn, ticketHash: string, now: number): Promise<CodeRow | undefined> {
  return first(
    await db
      .update(emailCodes)
      .set({ ticketUsedAt: now })
      .where(
        and(
          eq(emailCodes.ticketHash, ticketHash),
          isNull(emailCodes.ticketUsedAt),
          gt(emailCodes.ticketExpiresAt, now),
        ),
      )
      .returning(),
  );
}

// Sessions

export async function insertSession(db: PgConn, row: SessionRow): Promise<void> {
  await db.insert(userSessions).values(row);
}

export const findSessionByHash = async (db: PgConn, tokenHash: string): Promise<SessionRow | undefined> =>
  first(await db.select().from(userSessions).where(eq(userSessions.tokenHash, tokenHash)));

export async function liveSessionOfFamily(
  db: PgConn,
  familyId: string,
  now: number,
): Promise<SessionRow | undefined> {
  return first(
    await db
      .select()
      .from(userSessions)
      .where(
        and(
          eq(userSessions.familyId, familyId),
          isNull(userSessions.revokedAt),
          gt(userSessions.expiresAt, now),
        ),
      )
      .orderBy(desc(userSessions.createdAt))
      .limit(1),
  );
}

export async function replaceSession(db: PgConn, id: string, by: string, now: number): Promise<boolean> {
  const rows = await db
    .update(userSessions)
    .set({ replacedBy: by, revokedAt: now, lastUsedAt: now })
    .where(and(eq(userSessions.id, id), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return rows.length > 0;
}

async function revokeWhere(db: PgConn, which: ReturnType<typeof eq>, now: number): Promise<string[]> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(which, isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return rows.map((r) => r.id);
}

export const revokeFamily = (db: PgConn, familyId: string, now: number) =>
  revokeWhere(db, eq(userSessions.familyId, familyId), now);

export const revokeUserSessions = (db: PgConn, userId: string, now: number) =>
  revokeWhere(db, eq(userSessions.userId, userId), now);

// Outbox

export async function insertMail(db: PgConn, row: MailRow): Promise<void> {
  await db.insert(mailOutbox).values(row);
}

export async function updateMail(db: PgConn, id: string, set: Partial<MailRow>): Promise<void> {
  await db.update(mailOutbox).set(set).where(eq(mailOutbox.id, id));
}

export async function listMail(
  db: PgConn,
  limit: number,
  offset: number,
): Promise<{ rows: MailRow[]; total: number }> {
  const rows = await db
    .select()
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(limit)
    .offset(offset);
  const [n] = await db.select({ n: count() }).from(mailOutbox);
  return { rows, total: Number(n?.n ?? 0) };
}

// External identities

export async function findExternalIdentity(
  db: PgConn,
  issuer: string,
  subject: string,
): Promise<ExternalIdentityRow | undefined> {
  return first(
    await db
      .select()
      .from(externalIdentities)
      .where(and(eq(externalIdentities.issuer, issuer), eq(externalIdentities.subject, subject))),
  );
}

export async function insertExternalIdentity(db: PgConn, row: ExternalIdentityRow): Promise<void> {
  await db.insert(externalIdentities).values(row);
}

export const listExternalIdentities = (db: PgConn): Promise<ExternalIdentityRow[]> =>
  db.select().from(externalIdentities).orderBy(desc(externalIdentities.createdAt));

export const deleteExternalIdentity = async (
  db: PgConn,
  id: string,
): Promise<ExternalIdentityRow | undefined> =>
  first(await db.delete(externalIdentities).where(eq(externalIdentities.id, id)).returning());
