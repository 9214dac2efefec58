import { decodeJwt } from "jose";
import { GatewayError, unauthorized } from "../errors.ts";
import { arrivalWait } from "../http/arrival.ts";
import { presentedKey } from "../http/client-auth.ts";
import { type SignedPrincipal, setSignedPrincipal } from "../http/request-principal.ts";
import { freshKey } from "../keys/fresh-key.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { ISSUER } from "./access-tokens.ts";
import type { Identity } from "./identity.ts";

/** Three base64url parts, the first a JSON object (`eyJ`): a JWT, not an API key. */
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;

export const looksLikeJwt = (token: string) => JWT_SHAPE.test(token);

const invalid = () => unauthorized("Invalid access token.", "invalid_token");

/**
 * The key a signed token's calls run under. Our own tokens: signature, issuer, audience
 * and expiry (access-tokens.ts), then the sign-in must still be live (a logout ends it),
 * the user active and still a member of the account the token names, and that
 * membership's key not revoked. An external issuer's tokens: see external-issuer.ts. Which
 * verifier runs is chosen by the unverified `iss`, each then checks everything itself.
 */
export async function resolveSignedToken(id: Identity, token: string, now: number): Promise<SignedPrincipal> {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw invalid();
  }
  if (iss === ISSUER) {
    const claims = await id.tokens.verify(token, now);
    if (!(await id.sessions.live(claims.sessionId, now)))
      throw unauthorized("This sign-in has ended: sign in again.", "session_ended");
    const user = await id.users.get(claims.userId);
    if (user?.status !== "active") throw unauthorized("This user is disabled.", "user_disabled");
    const m = await id.users.memberOf(claims.accountId, claims.userId);
    const key = usable(id, m ? await freshKey(id.gw, m.keyId) : undefined, now);
    return { key, userId: user.id, sessionId: claims.sessionId };
  }
  if (id.external && iss === id.external.issuer) {
    const claims = await id.external.verify(token, now);
    return { key: usable(id, await id.external.keyFor(claims, now), now), userId: null, sessionId: null };
  }
  throw invalid();
}

/**
 * The key a signed token's calls run under, held to what an API key is: revoked (the
 * member removed, the subject unlinked) or suspended by an admin, it is refused; its
 * budget period rolls over as the key store's own authentication does.
 */
function usable(id: Identity, key: KeyRecord | undefined, now: number): KeyRecord {
  if (!key || key.status === "revoked")
    throw unauthorized("You no longer have access to this account.", "access_revoked");
  if (key.status === "suspended")
    throw unauthorized(
      "Your access to this account is suspended: an administrator can resume it.",
      "key_suspended",
    );
  id.gw.keys.rollPeriod(key, now);
  return key;
}

/**
 * Verifies a signed bearer token as the request arrives (before routing: the check is
 * asynchronous; a request without one does not wait, arrival.ts) and keeps the outcome for the request; client routes then read it like an
 * API key's lookup (http/client-auth.ts), so a JWT works wherever a key does. Requests with
 * an API key, or none, pass untouched; the admin API has its own credentials.
 */
export const signedBearer = (id: Identity) =>
  arrivalWait("signed-bearer", (request) => {
    const token = presentedKey(request);
    if (token === null || !looksLikeJwt(token) || isAdminPath(request.url)) return undefined;
    return resolveSignedToken(id, token, Date.now()).then(
      (outcome) => setSignedPrincipal(request, outcome),
      (err: unknown) => setSignedPrincipal(request, err instanceof GatewayError ? err : invalid()),
    );
  });

function isAdminPath(url: string): boolean {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start !== -1 && url.startsWith("/admin/", start);
}
