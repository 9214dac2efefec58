import type { Store } from "../../db/store.ts";
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
  private constructor(
    private readonly rows: Store["adminSessions"],
    private readonly adminTokenFingerprint: string,
  ) {}

  /** The sessions of this admin token; those opened under another one (a rotated token) end here. */
  static async start(rows: Store["adminSessions"], adminTokenFingerprint: string): Promise<SessionStore> {
    await rows.deleteStale(adminTokenFingerprint);
    return new SessionStore(rows, adminTokenFingerprint);
  }

  async open(userId: string | null, now = Date.now()): Promise<{ token: string; session: Session }> {
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
    await this.rows.insert(row);
    return { token, session: (await this.find(token, now))! };
  }

  /** The live session for a cookie token, or null (unknown, expired, or its user deleted). */
  async find(token: string, now = Date.now()): Promise<Session | null> {
    const r = await this.rows.live(sha256(token), now);
    if (!r) return null;
    if (r.userId === null && r.tokenFingerprint !== this.adminTokenFingerprint) return null;
    return {
      id: r.id,
      user: r.userId && r.username ? { id: r.userId, username: r.username } : null,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
    };
  }

  close(token: string): Promise<void> {
    return this.rows.delete(sha256(token));
  }
}
