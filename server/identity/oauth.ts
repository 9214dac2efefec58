import { createHash, timingSafeEqual } from "node:crypto";
import {
  type AppRow,
  type GrantFilter,
  type GrantRow,
  type GrantView,
  REPLAYED,
} from "../../db/queries/oauth.ts";
import type { Store } from "../../db/store.ts";
import { newId } from "../core/ids.ts";
import type { KeyStore } from "../keys/key-store.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { randomToken, sha256 } from "../secrets/tokens.ts";
import type { Users } from "./users.ts";

/** A code is exchanged within a minute of the consent, or never (the issue's rule, RFC 6749 §4.1.2). */
export const CODE_TTL_MS = 60_000;
const CODE_PREFIX = "tgc_";
/** Used codes are kept a day, so a replay is recognised and the key it gave revoked. */
const CODE_KEEP_MS = 86_400_000;

/** An RFC 6749 error: `{error, error_description}` at the token endpoint, query parameters on a redirect. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    description: string,
    readonly status = 400,
  ) {
    super(description);
    this.name = "OAuthError";
  }
}

const invalidGrant = (why: string) => new OAuthError("invalid_grant", why);

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Why a redirect URI may not be registered, or null: https, or http on a loopback host
 * (desktop and CLI apps, RFC 8252 §7.3); absolute, no fragment (RFC 6749 §3.1.2), no
 * user info. Matching is exact, so what is registered is what a request must name.
 */
export function redirectUriProblem(uri: string): string | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return "is not an absolute URL";
  }
  if (uri.includes("#")) return "must not have a fragment";
  if (u.username || u.password) return "must not carry user info";
  if (u.protocol === "https:") return null;
  if (u.protocol === "http:" && LOOPBACK.has(u.hostname)) return null;
  return "must be https (http only on a loopback host)";
}

/** base64url(SHA-256(verifier)): the S256 challenge of RFC 7636 §4.2. */
export const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type OAuthDeps = {
  store: Pick<Store, "oauth">;
  keys: KeyStore;
  users: Users;
  cipher: Pick<Cipher, "mac">;
};

/** What the consent page approved: the code carries it to the token endpoint. */
export type Consent = {
  app: AppRow;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  accountId: string;
  /** Nano-units; null: none of its own. */
  spendLimit: number | null;
};

export type Exchange = {
  code: string;
  verifier: string;
  /** Required at /oauth/token; OpenRouter's alias may leave them out (the verifier is the proof). */
  clientId?: string;
  redirectUri?: string;
};

export type Issued = { key: string; grant: GrantRow; spendLimit: number | null };

/**
 * OAuth 2.0 authorization code with PKCE (S256) for apps: registered apps, one-minute
 * single-use codes stored hashed, and grants, each an ordinary API key on the account the
 * user chose, recorded against the user so they and the admin can revoke it.
 */
export class OAuth {
  constructor(private readonly d: OAuthDeps) {}

  private get db() {
    return this.d.store.oauth;
  }

  // Apps

  /**
   * Registers an app. With `ownerLimit`, a user's own app is registered only while they have
   * fewer live apps (checked and stored by one conditional statement, so it holds across
   * replicas): null when they have that many.
   */
  async createApp(
    input: { name: string; redirectUris: string[]; ownerUserId?: string | null },
    now: number,
  ): Promise<AppRow>;
  async createApp(
    input: { name: string; redirectUris: string[]; ownerUserId?: string | null },
    now: number,
    ownerLimit: number,
  ): Promise<AppRow | null>;
  async createApp(
    input: { name: string; redirectUris: string[]; ownerUserId?: string | null },
    now: number,
    ownerLimit?: number,
  ): Promise<AppRow | null> {
    const row: AppRow = {
      id: `tgapp_${randomToken(12)}`,
      name: input.name,
      redirectUris: input.redirectUris,
      status: "active",
      ownerUserId: input.ownerUserId ?? null,
      createdAt: now,
      deletedAt: null,
    };
    return (await this.db.insertApp(row, ownerLimit)) ? row : null;
  }

  app(id: string): Promise<AppRow | undefined> {
    return this.db.app(id);
  }

  apps(limit: number, offset: number, ownerUserId?: string) {
    return this.db.apps(limit, offset, ownerUserId);
  }

  grantCounts(): Promise<Map<string, number>> {
    return this.db.activeGrantCounts();
  }

  updateApp(
    id: string,
    set: Partial<Pick<AppRow, "name" | "redirectUris" | "status">>,
  ): Promise<AppRow | undefined> {
    return this.db.updateApp(id, set);
  }

  /** Deletes an app (kept for its grants' history) and revokes every key it holds; how many. */
  async deleteApp(id: string, now: number): Promise<number | undefined> {
    if (!(await this.db.updateApp(id, { deletedAt: now, status: "disabled" }))) return undefined;
    return await this.revokeAll({ appId: id }, now);
  }

  /**
   * Revokes every active grant that matches: a user disabled (all theirs), a member who
   * left an account (theirs on it). Their keys would otherwise outlive the access they
   * came from. How many.
   */
  async revokeAll(f: GrantFilter, now: number): Promise<number> {
    const grants = await this.db.activeGrants(f);
    for (const g of grants) {
      await this.db.revokeGrant(g.id, now);
      await this.d.keys.update(g.keyId, { status: "revoked" });
    }
    return grants.length;
  }

  /** The active app whose list holds exactly this redirect URI, or null (then nothing redirects to it). */
  async client(clientId: string, redirectUri: string): Promise<AppRow | null> {
    const app = await this.app(clientId);
    if (app?.status !== "active" || !app.redirectUris.includes(redirectUri)) return null;
    return app;
  }

  // Consent and codes

  /** The CSRF token of the consent form: bound to the browser session, so another session's is useless. */
  csrfToken(sessionId: string): string {
    return this.d.cipher.mac(`oauth-consent:${sessionId}`);
  }

  csrfValid(sessionId: string, presented: string): boolean {
    return sameText(this.csrfToken(sessionId), presented);
  }

  /**
   * The spend limit a grant may have on an account: the one asked for, at most the
   * user's own membership key's (a member capped by an admin cannot lift the cap by
   * granting an app). Null: no limit of its own.
   */
  capFor(accountId: string, userId: string, asked: number | null): number | null {
    const m = this.d.users.membership(accountId, userId);
    const own = m ? (this.d.keys.get(m.keyId)?.spendLimit ?? null) : null;
    if (own === null) return asked;
    return asked === null ? own : Math.min(asked, own);
  }

  /** A code for what the user approved; only its SHA-256 is kept. */
  async issueCode(c: Consent, now: number): Promise<string> {
    const code = `${CODE_PREFIX}${randomToken(32)}`;
    await this.db.insertCode({
      id: newId("oac"),
      codeHash: sha256(code),
      appId: c.app.id,
      redirectUri: c.redirectUri,
      codeChallenge: c.codeChallenge,
      userId: c.userId,
      accountId: c.accountId,
      spendLimit: this.capFor(c.accountId, c.userId, c.spendLimit),
      createdAt: now,
      expiresAt: now + CODE_TTL_MS,
      usedAt: null,
      grantId: null,
    });
    return code;
  }

  /**
   * The token endpoint's work: spends the code first (whatever is wrong after, it is gone:
   * a wrong verifier cannot be retried), then checks its bindings and the verifier, and
   * issues the key. A code presented again revokes the key it gave.
   */
  async exchange(x: Exchange, now: number): Promise<Issued> {
    const hash = sha256(x.code);
    // One conditional statement spends it: of two exchanges at once only one gets the row.
    const row = await this.db.spendCode(hash, now);
    if (!row) {
      // Presented again: the key it gave is revoked; an exchange of it still in flight refuses.
      const used = await this.db.replayCode(hash);
      if (used?.grantId && used.grantId !== REPLAYED) await this.revoke(used.grantId, now);
      throw invalidGrant("The code is invalid, expired or already used.");
    }
    if (row.expiresAt <= now) throw invalidGrant("The code is invalid, expired or already used.");
    if (x.clientId !== undefined && x.clientId !== row.appId)
      throw invalidGrant("The code was issued to another client.");
    if (x.redirectUri !== undefined && x.redirectUri !== row.redirectUri)
      throw invalidGrant("redirect_uri differs from the one the code was issued for.");
    if (!sameText(s256(x.verifier), row.codeChallenge))
      throw invalidGrant("code_verifier does not match the code_challenge.");
    const app = await this.app(row.appId);
    if (app?.status !== "active") throw new OAuthError("invalid_client", "The app is disabled.", 401);
    const user = await this.d.users.get(row.userId);
    const m = this.d.users.membership(row.accountId, row.userId);
    const own = m ? this.d.keys.get(m.keyId) : undefined;
    if (user?.status !== "active" || own?.status !== "active")
      throw invalidGrant("The user no longer has access to that account.");
    const { key, record } = await this.d.keys.create(
      {
        accountId: row.accountId,
        name: `OAuth: ${app.name} (${user.email})`,
        rpmLimit: own.rpmLimit,
        dailyRequestLimit: own.dailyRequestLimit,
        spendLimit: row.spendLimit,
        models: own.models ? [...own.models] : null,
      },
      now,
    );
    const grant: GrantRow = {
      id: newId("oag"),
      appId: app.id,
      userId: user.id,
      accountId: row.accountId,
      keyId: record.id,
      createdAt: now,
      revokedAt: null,
    };
    if (!(await this.db.recordGrant(grant, row.id))) {
      // The code was presented again while its key was being made: that key is nobody's.
      await this.d.keys.update(record.id, { status: "revoked" });
      throw invalidGrant("The code is invalid, expired or already used.");
    }
    return { key, grant, spendLimit: row.spendLimit };
  }

  // Grants

  grants(f: GrantFilter, limit: number, offset: number) {
    return this.db.grants(f, limit, offset);
  }

  grant(id: string): Promise<GrantView | undefined> {
    return this.db.grant(id);
  }

  /** Revokes a grant's key (the grant stays, revoked); the grant, or undefined for an unknown id. */
  async revoke(id: string, now: number): Promise<GrantView | undefined> {
    const g = await this.grant(id);
    if (!g) return undefined;
    if (g.revokedAt === null) await this.db.revokeGrant(id, now);
    await this.d.keys.update(g.keyId, { status: "revoked" });
    return this.grant(id);
  }

  sweep(now: number): Promise<void> {
    return this.db.purgeCodes(now - CODE_KEEP_MS);
  }
}
