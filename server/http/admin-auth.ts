import type { Store } from "../../db/store.ts";
import { checkOrigin, readSessionCookie } from "../admin-session/cookie.ts";
import { type Session, SessionStore } from "../admin-session/sessions.ts";
import { GatewayError } from "../errors.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { randomToken, sha256, tokenMatchesHash } from "../secrets/tokens.ts";

const TOKEN_SETTING = "admin_token_hash";

/** Who is calling the admin API: a script with the bearer token, or a signed-in browser. */
export type AdminPrincipal = { via: "bearer" } | { via: "session"; session: Session; token: string };

const required = () =>
  new GatewayError(
    "authentication",
    "Admin authentication required: sign in to the admin panel, or send Authorization: Bearer <admin token>.",
    { code: "invalid_admin_token" },
  );

/**
 * The admin token and the panel's cookie sessions. TOLLGATE_ADMIN_TOKEN wins when set;
 * otherwise the hash stored on first start is used. Only hashes are ever stored;
 * comparison is constant-time.
 */
export class AdminAuth {
  private constructor(
    private readonly hash: string,
    readonly sessions: SessionStore,
  ) {}

  /** Returns the auth and, on a first start without TOLLGATE_ADMIN_TOKEN, the generated token (print it once). */
  static async init(
    store: Pick<Store, "settings" | "adminSessions">,
    envToken: string | undefined,
    cipher: Pick<Cipher, "mac">,
  ): Promise<{ auth: AdminAuth; generated: string | null }> {
    // Keyed with the secret key, so the stored fingerprint cannot confirm guesses of a token.
    const make = async (hash: string) =>
      new AdminAuth(hash, await SessionStore.start(store.adminSessions, cipher.mac(`admin-token:${hash}`)));
    if (envToken) return { auth: await make(sha256(envToken)), generated: null };
    const stored = await store.settings.read(TOKEN_SETTING);
    if (stored !== undefined) return { auth: await make(stored), generated: null };
    const token = `tga_${randomToken(24)}`;
    await store.settings.upsert(TOKEN_SETTING, sha256(token));
    return { auth: await make(sha256(token)), generated: token };
  }

  verify(token: string): boolean {
    return tokenMatchesHash(token, this.hash);
  }

  /**
   * Throws 401 unless the request carries the admin token as a bearer or a live session
   * cookie; a cookie-authenticated write from another origin gets 403 (`viaTrustedProxy`:
   * see checkOrigin). A bearer header, when present, is the only credential looked at
   * (scripts never depend on cookies).
   */
  async require(request: Request, viaTrustedProxy: boolean, now = Date.now()): Promise<AdminPrincipal> {
    const header = request.headers.get("authorization");
    if (header !== null) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m?.[1] || !this.verify(m[1])) throw required();
      return { via: "bearer" };
    }
    const token = readSessionCookie(request);
    const session = token ? await this.sessions.find(token, now) : null;
    if (!token || !session) throw required();
    checkOrigin(request, viaTrustedProxy);
    return { via: "session", session, token };
  }
}
