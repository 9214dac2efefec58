import { errors, jwtVerify, SignJWT } from "jose";
import { unauthorized } from "../errors.ts";
import { randomToken } from "../secrets/tokens.ts";

/** What an access token of ours says: who, in which session, acting for which account. */
export type AccessClaims = { userId: string; sessionId: string; accountId: string };

/** Our own tokens' issuer and audience (`iss`, `aud`): checked on every token. */
export const ISSUER = "tollgate";
export const AUDIENCE = "tollgate-api";

const ALGORITHM = "HS256";
/** Verified tokens remembered (the oldest forgotten first). */
const VERIFIED_KEPT = 10_000;

/** Why a token was refused, for the 401 (never which check of the signature failed). */
export function tokenRefusal(err: unknown) {
  if (err instanceof errors.JWTExpired)
    return unauthorized("The access token has expired: refresh it.", "token_expired");
  return unauthorized("Invalid access token.", "invalid_token");
}

/**
 * Short-lived access tokens (JWT, HS256 with the deployment's key), signed and verified
 * with `jose`. Verification pins the algorithm (so `alg: none` and a token signed with
 * another algorithm are refused), the issuer, the audience and the expiry, and requires
 * every claim we rely on.
 */
export class AccessTokens {
  private readonly verified = new Map<string, { claims: AccessClaims; exp: number }>();

  constructor(
    private readonly key: Uint8Array,
    readonly ttlMs: number,
  ) {}

  /** A token for the claims, valid for the lifetime from `now` (whole seconds: `expiresIn`). */
  async sign(c: AccessClaims, now: number): Promise<{ token: string; expiresIn: number }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.floor(this.ttlMs / 1000);
    const token = await new SignJWT({ sid: c.sessionId, acc: c.accountId })
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(c.userId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomToken(12))
      .sign(this.key);
    return { token, expiresIn: exp - iat };
  }

  /**
   * The token's claims, or throws 401 (expired, forged, another issuer or audience, claims
   * missing). A token verified once is remembered until it expires (the same text is the
   * same signature): the HS256 check runs once per token, not per request. What can end a
   * token early (logout, removal from the account) is checked by the caller on every use.
   */
  async verify(token: string, now: number): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known && now < known.exp) return known.claims;
    const { claims, exp } = await this.check(token, now);
    if (this.verified.size >= VERIFIED_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, exp });
    return claims;
  }

  private async check(token: string, now: number): Promise<{ claims: AccessClaims; exp: number }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(now),
        requiredClaims: ["sub", "exp", "iat", "sid", "acc"],
      });
      if (typeof payload.sid !== "string" || typeof payload.acc !== "string" || !payload.sub)
        throw unauthorized();
      return {
        claims: { userId: payload.sub, sessionId: payload.sid, accountId: payload.acc },
        exp: payload.exp! * 1000,
      };
    } catch (err) {
      throw tokenRefusal(err);
    }
  }
}
