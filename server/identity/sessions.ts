import type { SessionRow } from "../../db/queries/identity.ts";
import type { Store } from "../../db/store.ts";
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
 * rotations), checked on each use, cached (this process's own logouts update the cache, and
 * the gateway's reload after another replica's change empties it), so a logout ends the
 * access tokens of that sign-in at once here, and within the reload on the others.
 */
export class UserSessions {
  /** The live row of each family looked up (null: none is live). */
  private families = new Map<string, SessionRow | null>();
  /** Moves on each forget: a read that started before one does not fill the cache after it. */
  private epoch = 0;

  constructor(
    private readonly store: Pick<Store, "identity">,
    readonly ttlMs: Record<SessionKind, number>,
  ) {}

  private get db() {
    return this.store.identity;
  }

  async open(
    input: { userId: string; accountId: string | null; kind: SessionKind; familyId?: string } & SessionMeta,
    now: number,
  ): Promise<{ token: string; session: Session }> {
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
    await this.db.insertSession(row);
    this.families.set(row.familyId, row);
    return { token, session: row };
  }

  /**
   * Uses a refresh token: a new one of the same family comes back (acting for `accountId`
   * when given, else the same account) and the old one ends. A token already replaced
   * revokes the family (whoever holds the newer one must sign in again too).
   */
  async rotate(
    token: string,
    accountId: string | undefined,
    meta: SessionMeta,
    now: number,
    /** Throws to refuse before anything changes (the user was disabled, not a member of `accountId`). */
    allow: (current: Session) => Promise<void>,
  ) {
    const row = await this.byHash(token, "refresh");
    if (row?.kind !== "refresh") throw refused();
    if (row.revokedAt !== null) {
      if (row.replacedBy !== null) await this.revokeFamily(row.familyId, now);
      throw refused();
    }
    if (row.expiresAt <= now) throw refused();
    await allow(row);
    const next = await this.open(
      {
        userId: row.userId,
        accountId: accountId ?? row.accountId,
        kind: "refresh",
        familyId: row.familyId,
        ...meta,
      },
      now,
    );
    // One statement decides which of two uses of this token replaces it; the other revokes the family.
    if (!(await this.db.replaceSession(row.id, next.session.id, now))) {
      await this.revokeFamily(row.familyId, now);
      throw refused();
    }
    return next;
  }

  /** The session a token of that kind names (live or not), or undefined. */
  private async byHash(token: string, kind: SessionKind): Promise<Session | undefined> {
    return token.startsWith(PREFIX[kind]) ? await this.db.sessionByHash(sha256(token)) : undefined;
  }

  /** The live session a cookie or token names (of that kind), or null. */
  async byToken(token: string, kind: SessionKind, now: number): Promise<Session | null> {
    const row = await this.byHash(token, kind);
    return row && row.kind === kind && this.isLive(row, now) ? row : null;
  }

  /** The live session of the family an access token names, or null. */
  async live(familyId: string, now: number): Promise<Session | null> {
    const cached = this.families.get(familyId);
    if (cached === null || (cached !== undefined && this.isLive(cached, now))) return cached;
    const epoch = this.epoch;
    const row = (await this.db.liveSessionOfFamily(familyId, now)) ?? null;
    // A revoke, a rotation or a forget that landed while the read was away wins over what it read.
    if (this.epoch !== epoch) return row;
    if (this.families.get(familyId) === cached) this.families.set(familyId, row);
    return this.families.get(familyId) ?? null;
  }

  /** Ends the family of a refresh token (logout by token); whether it was live. */
  async revokeByToken(token: string, now: number): Promise<boolean> {
    const row = await this.byHash(token, "refresh");
    if (row?.kind !== "refresh" || !(await this.live(row.familyId, now))) return false;
    await this.revokeFamily(row.familyId, now);
    return true;
  }

  /** Ends a session and its whole family (logout). */
  revoke(session: Session, now: number): Promise<void> {
    return this.revokeFamily(session.familyId, now);
  }

  /** Ends every session of a user (signed out everywhere, or disabled). */
  async revokeUser(userId: string, now: number): Promise<number> {
    for (const [family, row] of this.families) if (row?.userId === userId) this.families.set(family, null);
    const n = (await this.db.revokeUserSessions(userId, now)).length;
    for (const [family, row] of this.families) if (row?.userId === userId) this.families.set(family, null);
    return n;
  }

  /** Forgets every cached family (another process may have ended them): the next use reads its row. */
  forget(): void {
    this.epoch++;
    this.families.clear();
  }

  /** Forgets cached families that ended (the cache only holds ones looked up). */
  sweep(now: number): void {
    for (const [family, row] of this.families)
      if (row === null || !this.isLive(row, now)) this.families.delete(family);
  }

  /** The cache forgets the family first, in this turn: no access token of it passes while the write is away. */
  private async revokeFamily(familyId: string, now: number): Promise<void> {
    this.families.set(familyId, null);
    await this.db.revokeFamily(familyId, now);
  }

  private isLive(row: SessionRow, now: number): boolean {
    return row.revokedAt === null && row.expiresAt > now;
  }
}
