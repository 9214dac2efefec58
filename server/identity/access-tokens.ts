import { errors, jwtVerify, SignJWT } from "jose";
import { unauthorized } from "../errors.ts";
import { randomToken } from "../secrets/tokens.ts";

/** What an access token of ours says: who, in which session, acting for which account. */
export type AccessClaims = { userId: string; sessionId: string; accountId: string };

/** Our own tokens' issuer and audience (`iss`, `aud`): checked on every token. */
export const ISSUER = "tollgate";
export const AUDIENCE = "tollgate-api";

const ALGORITHM = "HS256";

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

  /** The token's claims, or throws 401 (expired, forged, another issuer or audience, claims missing). */
  async verify(token: string, now: number): Promise<AccessClaims> {
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
      return { userId: payload.sub, sessionId: payload.sid, accountId: payload.acc };
    } catch (err) {
      throw tokenRefusal(err);
    }
  }
}
