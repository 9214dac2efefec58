import type { Db } from "../../db/client.ts";
import {
  findSessionByHash,
  insertSession,
  liveSessionOfFamily,
  replaceSession,
  revokeFamily,
  revokeUserSessions,
  type SessionRow,
} from "../../db/queries/identity.ts";
import { newId } from "../core/ids.ts";
import { unauthorized } from "../errors.ts";
import { randomToken, sha256 } from "../secrets/tokens.ts";

export type Session = SessionRow;
export type SessionKind = SessionRow["kind"];
export type SessionMeta = { clientAddress: string | null; userAgent: string | null };

const PREFIX: Record<SessionKind, string> = { refresh: "rt_", browser: "us_" };

const refused = () =>
  unauthorized("Invalid or expired refresh token: sign in again.", "invalid_refresh_token");

/**
 * Sessions of signed-in users: refresh tokens for API clients, cookies for browser pages
 * (an OAuth consent page, the portal). Only SHA-256 of a token is stored. Refresh tokens
 * rotate on every use; presenting one that was already replaced means it was copied, and
 * revokes every session of its family. Access tokens name the family (`sid`: it outlives
 * rotations), checked on each use, cached (this process is the only writer), so a logout
 * ends the access tokens of that sign-in at once.
 */
export class UserSessions {
  /** The live row of each family looked up (null: none is live). */
  private families = new Map<string, SessionRow | null>();

  constructor(
    private readonly db: Db,
    readonly ttlMs: Record<SessionKind, number>,
  ) {}

  open(
    input: { userId: string; accountId: string | null; kind: SessionKind; familyId?: string } & SessionMeta,
    now: number,
  ): { token: string; session: Session } {
    const token = `${PREFIX[input.kind]}${randomToken(32)}`;
    const id = newId("ses");
    const row: SessionRow = {
      id,
      userId: input.userId,
      kind: input.kind,
      tokenHash: sha256(token),
      familyId: input.familyId ?? id,
      accountId: input.accountId,
      createdAt: now,
      expiresAt: now + this.ttlMs[input.kind],
      lastUsedAt: null,
      revokedAt: null,
      replacedBy: null,
      clientAddress: input.clientAddress,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    };
    insertSession(this.db, row);
    this.families.set(row.familyId, row);
    return { token, session: row };
  }

  /**
   * Uses a refresh token: a new one of the same family comes back (acting for `accountId`
   * when given, else the same account) and the old one ends. A token already replaced
   * revokes the family (whoever holds the newer one must sign in again too).
   */
  rotate(
    token: string,
    accountId: string | undefined,
    meta: SessionMeta,
    now: number,
    /** Throws to refuse before anything changes (the user was disabled, not a member of `accountId`). */
    allow: (current: Session) => void,
  ) {
    const row = token.startsWith(PREFIX.refresh) ? findSessionByHash(this.db, sha256(token)) : undefined;
    if (row?.kind !== "refresh") throw refused();
    if (row.revokedAt !== null) {
      if (row.replacedBy !== null) this.revokeFamily(row.familyId, now);
      throw refused();
    }
    if (row.expiresAt <= now) throw refused();
    allow(row);
    const next = this.open(
      {
        userId: row.userId,
        accountId: accountId ?? row.accountId,
        kind: "refresh",
        familyId: row.familyId,
        ...meta,
      },
      now,
    );
    if (!replaceSession(this.db, row.id, next.session.id, now)) {
      this.revokeFamily(row.familyId, now);
      throw refused();
    }
    return next;
  }

  /** The live session a cookie or token names (of that kind), or null. */
  byToken(token: string, kind: SessionKind, now: number): Session | null {
    if (!token.startsWith(PREFIX[kind])) return null;
    const row = findSessionByHash(this.db, sha256(token));
    return row && row.kind === kind && this.isLive(row, now) ? row : null;
  }

  /** The live session of the family an access token names, or null. */
  live(familyId: string, now: number): Session | null {
    let row = this.families.get(familyId);
    if (row === undefined || (row !== null && !this.isLive(row, now))) {
      row = liveSessionOfFamily(this.db, familyId, now) ?? null;
      this.families.set(familyId, row);
    }
    return row;
  }

  /** Ends the family of a refresh token (logout by token); whether it was live. */
  revokeByToken(token: string, now: number): boolean {
    const row = token.startsWith(PREFIX.refresh) ? findSessionByHash(this.db, sha256(token)) : undefined;
    if (row?.kind !== "refresh" || !this.live(row.familyId, now)) return false;
    this.revokeFamily(row.familyId, now);
    return true;
  }

  /** Ends a session and its whole family (logout). */
  revoke(session: Session, now: number): void {
    this.revokeFamily(session.familyId, now);
  }

  /** Ends every session of a user (signed out everywhere, or disabled). */
  revokeUser(userId: string, now: number): number {
    const n = revokeUserSessions(this.db, userId, now).length;
    for (const [family, row] of this.families) if (row?.userId === userId) this.families.set(family, null);
    return n;
  }

  /** Forgets cached families that ended (the cache only holds ones looked up). */
  sweep(now: number): void {
    for (const [family, row] of this.families)
      if (row === null || !this.isLive(row, now)) this.families.delete(family);
  }

  private revokeFamily(familyId: string, now: number): void {
    revokeFamily(this.db, familyId, now);
    this.families.set(familyId, null);
  }

  private isLive(row: SessionRow, now: number): boolean {
    return row.revokedAt === null && row.expiresAt > now;
  }
}
