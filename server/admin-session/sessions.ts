import { and, eq, gt, isNull, lte, ne, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { adminSessions, adminUsers } from "../../db/schema/index.ts";
import { randomToken, sha256 } from "../secrets/tokens.ts";

/** Absolute session lifetime: a stolen cookie is useful for a working day at most. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export type Session = {
  id: string;
  /** null when the session was opened with the admin token. */
  user: { id: string; username: string } | null;
  createdAt: number;
  expiresAt: number;
};

/**
 * Cookie sessions: the browser holds a random token, the database only its SHA-256.
 * A session opened with the admin token carries a fingerprint of that token's hash and
 * lives only while the admin token stays the same (rotating the token ends them all).
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly adminTokenFingerprint: string,
  ) {
    this.db
      .delete(adminSessions)
      .where(
        and(
          isNull(adminSessions.userId),
          or(
            isNull(adminSessions.tokenFingerprint),
            ne(adminSessions.tokenFingerprint, adminTokenFingerprint),
          ),
        ),
      )
      .run();
  }

  open(userId: string | null, now = Date.now()): { token: string; session: Session } {
    const token = randomToken(32);
    const row = {
      id: `ses_${randomToken(9)}`,
      tokenHash: sha256(token),
      userId,
      tokenFingerprint: userId === null ? this.adminTokenFingerprint : null,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
    };
    // Expired rows are swept on every sign-in, so the table stays small without a timer.
    this.db.delete(adminSessions).where(lte(adminSessions.expiresAt, now)).run();
    this.db.insert(adminSessions).values(row).run();
    return { token, session: this.find(token, now)! };
  }

  /** The live session for a cookie token, or null (unknown, expired, or its user deleted). */
  find(token: string, now = Date.now()): Session | null {
    const r = this.db
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
      .where(and(eq(adminSessions.tokenHash, sha256(token)), gt(adminSessions.expiresAt, now)))
      .get();
    if (!r) return null;
    if (r.userId === null && r.tokenFingerprint !== this.adminTokenFingerprint) return null;
    return {
      id: r.id,
      user: r.userId && r.username ? { id: r.userId, username: r.username } : null,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
    };
  }

  close(token: string): void {
    this.db
      .delete(adminSessions)
      .where(eq(adminSessions.tokenHash, sha256(token)))
      .run();
  }
}
