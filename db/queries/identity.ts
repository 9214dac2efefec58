import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Conn, Db } from "../client.ts";
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

/** People, memberships, invites, e-mail codes, sessions, the outbox (db/schema/identity.ts). */

export type UserRow = typeof users.$inferSelect;
export type MemberRow = typeof accountMembers.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;
export type CodeRow = typeof emailCodes.$inferSelect;
export type SessionRow = typeof userSessions.$inferSelect;
export type MailRow = typeof mailOutbox.$inferSelect;
export type ExternalIdentityRow = typeof externalIdentities.$inferSelect;
export type MembershipView = MemberRow & { accountName: string; email: string };

// Users

export function findUserByEmail(db: Conn, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export function findUser(db: Conn, id: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function listUsers(db: Conn, limit: number, offset: number): { rows: UserRow[]; total: number } {
  const rows = db.select().from(users).orderBy(desc(users.createdAt)).limit(limit).offset(offset).all();
  const total = db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0;
  return { rows, total };
}

/** Inserts a user; false when the address is taken (two sign-ups of one address at once). */
export function insertUser(db: Conn, row: UserRow): boolean {
  return (
    db
      .insert(users)
      .values(row)
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id })
      .get() !== undefined
  );
}

export function updateUser(db: Conn, id: string, set: Partial<UserRow>): UserRow | undefined {
  return db.update(users).set(set).where(eq(users.id, id)).returning().get();
}

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

export function membershipsOfUser(db: Conn, userId: string): MembershipView[] {
  return db
    .select(membershipColumns)
    .from(accountMembers)
    .innerJoin(accounts, eq(accounts.id, accountMembers.accountId))
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(eq(accountMembers.userId, userId))
    .orderBy(accountMembers.createdAt)
    .all();
}

export function membersOfAccount(db: Conn, accountId: string): MembershipView[] {
  return db
    .select(membershipColumns)
    .from(accountMembers)
    .innerJoin(accounts, eq(accounts.id, accountMembers.accountId))
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(eq(accountMembers.accountId, accountId))
    .orderBy(accountMembers.createdAt)
    .all();
}

export function findMembership(db: Conn, accountId: string, userId: string): MemberRow | undefined {
  return db
    .select()
    .from(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
    .get();
}

export function insertMembership(db: Conn, row: MemberRow): void {
  db.insert(accountMembers).values(row).run();
}

export function setMemberRole(db: Conn, accountId: string, userId: string, role: MemberRow["role"]): void {
  db.update(accountMembers)
    .set({ role })
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
    .run();
}

export function deleteMembership(db: Conn, accountId: string, userId: string): void {
  db.delete(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
    .run();
}

/** Every membership's key, so a signed-in call finds its key without a query. */
export function allMemberships(db: Conn): MemberRow[] {
  return db.select().from(accountMembers).all();
}

export function membership(db: Conn, accountId: string, userId: string): MemberRow | undefined {
  return db
    .select()
    .from(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
    .get();
}

// Invites

export function insertInvite(db: Conn, row: InviteRow): void {
  db.insert(invites).values(row).run();
}

/** Invites of an address not yet taken, revoked or expired. */
export function pendingInvites(db: Conn, email: string, now: number): InviteRow[] {
  return db
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
    .orderBy(invites.createdAt)
    .all();
}

export function listInvites(db: Conn, accountId: string | null, limit: number): InviteRow[] {
  const q = db.select().from(invites);
  return (accountId === null ? q : q.where(eq(invites.accountId, accountId)))
    .orderBy(desc(invites.createdAt))
    .limit(limit)
    .all();
}

export function findInvite(db: Conn, id: string): InviteRow | undefined {
  return db.select().from(invites).where(eq(invites.id, id)).get();
}

/**
 * Takes an invite if it is still open (not accepted, not revoked), in one statement: of two
 * sign-ins taking it at once only one does. Whether this call did.
 */
export function acceptInvite(db: Conn, id: string, now: number): boolean {
  return (
    db
      .update(invites)
      .set({ acceptedAt: now })
      .where(and(eq(invites.id, id), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
      .returning({ id: invites.id })
      .get() !== undefined
  );
}

/** Withdraws an invite not yet taken (nor withdrawn). */
export function revokeInvite(db: Conn, id: string, now: number): void {
  db.update(invites)
    .set({ revokedAt: now })
    .where(and(eq(invites.id, id), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
    .run();
}

// E-mail codes

/** A new code for an address; its older open codes end (a new one replaces them), in one transaction. */
export function issueCode(db: Db, row: CodeRow): void {
  db.transaction((tx) => {
    tx.update(emailCodes)
      .set({ usedAt: row.createdAt })
      .where(and(eq(emailCodes.email, row.email), isNull(emailCodes.usedAt)))
      .run();
    tx.insert(emailCodes).values(row).run();
  });
}

/** The address's newest code still open (not used, not expired). */
export function openCode(db: Conn, email: string, now: number): CodeRow | undefined {
  return db
    .select()
    .from(emailCodes)
    .where(and(eq(emailCodes.email, email), isNull(emailCodes.usedAt), gt(emailCodes.expiresAt, now)))
    .orderBy(desc(emailCodes.createdAt))
    .limit(1)
    .get();
}

/**
 * Takes one of a code's attempts before its digits are compared, in one statement: the
 * code must be open with attempts left, and the last attempt ends it. However many
 * guesses arrive at once, at most `max` are ever compared. The row after, or undefined.
 */
export function attemptCode(db: Conn, id: string, max: number, now: number): CodeRow | undefined {
  return db
    .update(emailCodes)
    .set({
      attempts: sql`${emailCodes.attempts} + 1`,
      usedAt: sql`case when ${emailCodes.attempts} + 1 >= ${max} then ${now} else null end`,
    })
    .where(
      and(
        eq(emailCodes.id, id),
        isNull(emailCodes.usedAt),
        gt(emailCodes.expiresAt, now),
        lt(emailCodes.attempts, max),
      ),
    )
    .returning()
    .get();
}

/**
 * A right code becomes a ticket, once: of two right guesses at once only one gets it (the
 * code ends either way). Whether this call did.
 */
export function redeemCode(
  db: Conn,
  id: string,
  ticket: { hash: string; expiresAt: number },
  now: number,
): boolean {
  return (
    db
      .update(emailCodes)
      .set({ usedAt: now, ticketHash: ticket.hash, ticketExpiresAt: ticket.expiresAt })
      .where(and(eq(emailCodes.id, id), isNull(emailCodes.ticketHash)))
      .returning({ id: emailCodes.id })
      .get() !== undefined
  );
}

/**
 * Spends a ticket: marks it used if it is open, in one statement (two requests with the
 * same ticket cannot both get it). The row, or undefined when it was not open.
 */
export function spendTicket(db: Conn, ticketHash: string, now: number): CodeRow | undefined {
  return db
    .update(emailCodes)
    .set({ ticketUsedAt: now })
    .where(
      and(
        eq(emailCodes.ticketHash, ticketHash),
        isNull(emailCodes.ticketUsedAt),
        gt(emailCodes.ticketExpiresAt, now),
      ),
    )
    .returning()
    .get();
}

export function purgeCodes(db: Conn, before: number): void {
  db.delete(emailCodes)
    .where(
      and(
        lt(emailCodes.expiresAt, before),
        or(isNull(emailCodes.ticketExpiresAt), lt(emailCodes.ticketExpiresAt, before)),
      ),
    )
    .run();
}

// Sessions

export function insertSession(db: Conn, row: SessionRow): void {
  db.insert(userSessions).values(row).run();
}

export function findSessionByHash(db: Conn, tokenHash: string): SessionRow | undefined {
  return db.select().from(userSessions).where(eq(userSessions.tokenHash, tokenHash)).get();
}

/** The live session of a family (the newest rotation, not revoked, not expired). */
export function liveSessionOfFamily(db: Conn, familyId: string, now: number): SessionRow | undefined {
  return db
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
    .limit(1)
    .get();
}

/**
 * Marks a live session replaced (rotation), in one statement: of two uses of the same
 * refresh token only one replaces it. Whether this call did.
 */
export function replaceSession(db: Conn, id: string, by: string, now: number): boolean {
  const row = db
    .update(userSessions)
    .set({ replacedBy: by, revokedAt: now, lastUsedAt: now })
    .where(and(eq(userSessions.id, id), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id })
    .get();
  return row !== undefined;
}

/** Revokes the sessions of a family (a copied refresh token, or a logout); their ids. */
export function revokeFamily(db: Conn, familyId: string, now: number): string[] {
  return db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.familyId, familyId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id })
    .all()
    .map((r) => r.id);
}

export function revokeUserSessions(db: Conn, userId: string, now: number): string[] {
  return db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id })
    .all()
    .map((r) => r.id);
}

export function purgeSessions(db: Conn, before: number): void {
  db.delete(userSessions).where(lt(userSessions.expiresAt, before)).run();
}

// Outbox

export function insertMail(db: Conn, row: MailRow): void {
  db.insert(mailOutbox).values(row).run();
}

export function updateMail(db: Conn, id: string, set: Partial<MailRow>): void {
  db.update(mailOutbox).set(set).where(eq(mailOutbox.id, id)).run();
}

export function listMail(db: Conn, limit: number, offset: number): { rows: MailRow[]; total: number } {
  const rows = db
    .select()
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(limit)
    .offset(offset)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(mailOutbox).get()?.n ?? 0;
  return { rows, total };
}

// External identities

export function findExternalIdentity(
  db: Conn,
  issuer: string,
  subject: string,
): ExternalIdentityRow | undefined {
  return db
    .select()
    .from(externalIdentities)
    .where(and(eq(externalIdentities.issuer, issuer), eq(externalIdentities.subject, subject)))
    .get();
}

export function insertExternalIdentity(db: Conn, row: ExternalIdentityRow): void {
  db.insert(externalIdentities).values(row).run();
}

export function listExternalIdentities(db: Conn): ExternalIdentityRow[] {
  return db.select().from(externalIdentities).orderBy(desc(externalIdentities.createdAt)).all();
}

export function deleteExternalIdentity(db: Conn, id: string): ExternalIdentityRow | undefined {
  return db.delete(externalIdentities).where(eq(externalIdentities.id, id)).returning().get();
}
