import { checkOrigin, isHttps } from "../admin-session/cookie.ts";
import { forbidden, GatewayError, unauthorized } from "../errors.ts";
import { authenticateClient, presentedKey } from "../http/client-auth.ts";
import { signedPrincipal } from "../http/request-principal.ts";
import { freshKey } from "../keys/fresh-key.ts";
import type { Identity } from "./identity.ts";
import type { Caller } from "./me.ts";
import type { Session } from "./sessions.ts";
import type { User } from "./users.ts";

/** The browser session cookie of a signed-in user (pages: a consent page, the portal). */
export const USER_COOKIE = "tollgate_user";

export function readUserCookie(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === USER_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** HttpOnly, SameSite=Lax (a link from another site may open a page, not post to it), Secure over https. */
export function userCookie(token: string, request: Request, maxAgeMs: number): string {
  const attrs = [
    `${USER_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ];
  if (isHttps(request)) attrs.push("Secure");
  return attrs.join("; ");
}

/** A signed-in person acting for one account (an access token of ours, or a browser session). */
export type SignedInUser = { user: User; accountId: string; sessionId: string };

/**
 * Who calls an identity route: a JWT (ours or the external issuer's), an API key, or (where
 * `cookie` is allowed: reads only) the browser session cookie.
 */
export async function callerOf(
  id: Identity,
  request: Request,
  opts: { cookie?: boolean } = {},
): Promise<Caller> {
  const signed = signedPrincipal(request);
  if (signed instanceof GatewayError) throw signed;
  if (signed) {
    const user = signed.userId ? ((await id.users.get(signed.userId)) ?? null) : null;
    const role = user ? (id.users.membership(signed.key.accountId, user.id)?.role ?? null) : null;
    return { key: signed.key, user, role, via: user ? "jwt" : "external" };
  }
  if (presentedKey(request) !== null)
    return { key: authenticateClient(id.gw, request), user: null, role: null, via: "api_key" };
  const fromCookie = opts.cookie ? await cookieUser(id, request) : null;
  if (fromCookie) {
    const m = await id.users.memberOf(fromCookie.accountId, fromCookie.user.id);
    const key = m ? await freshKey(id.gw, m.keyId) : undefined;
    if (m && key?.status === "active") return { key, user: fromCookie.user, role: m.role, via: "session" };
  }
  throw unauthorized(
    "Sign in first: send Authorization: Bearer <access token or API key>.",
    "missing_credentials",
  );
}

/** The signed-in person behind an access token of ours (API keys and external tokens are not people). */
export async function requireUser(id: Identity, request: Request): Promise<SignedInUser> {
  const signed = signedPrincipal(request);
  if (signed instanceof GatewayError) throw signed;
  if (!signed) {
    if (presentedKey(request) !== null)
      throw forbidden(
        "This route needs a signed-in user's access token, not an API key.",
        "user_token_required",
      );
    throw unauthorized("Sign in first: send Authorization: Bearer <access token>.", "missing_credentials");
  }
  const user = signed.userId ? await id.users.get(signed.userId) : undefined;
  if (!user || !signed.sessionId)
    throw forbidden("This route needs a signed-in user's access token.", "user_token_required");
  return { user, accountId: signed.key.accountId, sessionId: signed.sessionId };
}

/** The user of a live browser session cookie, or null. */
export async function cookieUser(
  id: Identity,
  request: Request,
): Promise<{ user: User; accountId: string; session: Session } | null> {
  const token = readUserCookie(request);
  if (!token) return null;
  const session = await id.sessions.byToken(token, "browser", Date.now());
  const user = session ? await id.users.get(session.userId) : undefined;
  if (!session || !user || user.status !== "active" || !session.accountId) return null;
  return { user, accountId: session.accountId, session };
}

/**
 * The signed-in person behind an access token of ours or, for the portal's pages, a
 * browser session cookie. A write with the cookie must come from our own pages (the
 * Origin check, as for the panel's cookie): the cookie alone never authorises a
 * cross-site request. API keys and external tokens are not people (403).
 */
export async function personOf(id: Identity, request: Request, viaTrustedProxy: boolean): Promise<User> {
  if (signedPrincipal(request) !== undefined || presentedKey(request) !== null)
    return (await requireUser(id, request)).user;
  const c = await cookieUser(id, request);
  if (!c)
    throw unauthorized("Sign in first: send Authorization: Bearer <access token>.", "missing_credentials");
  checkOrigin(request, viaTrustedProxy);
  return c.user;
}
