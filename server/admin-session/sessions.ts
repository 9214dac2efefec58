import type { Db } from "../../db/client.ts";
import {
  deleteSession,
  deleteStaleTokenSessions,
  insertSession,
  liveSession,
} from "../../db/queries/admins.ts";
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
    deleteStaleTokenSessions(db, adminTokenFingerprint);
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
    insertSession(this.db, row);
    return { token, session: this.find(token, now)! };
  }

  /** The live session for a cookie token, or null (unknown, expired, or its user deleted). */
  find(token: string, now = Date.now()): Session | null {
    const r = liveSession(this.db, sha256(token), now);
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
    deleteSession(this.db, sha256(token));
  }
}
