import { GatewayError } from "../errors.ts";
import { SESSION_TTL_MS } from "./sessions.ts";

export const SESSION_COOKIE = "tollgate_session";

/** The session token from the Cookie header, if any. */
export function readSessionCookie(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** Behind a TLS-terminating proxy the request arrives as http with X-Forwarded-Proto: https. */
export function isHttps(request: Request): boolean {
  if (request.url.startsWith("https:")) return true;
  return request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it),
 * Path=/admin (the client API never sees it), Secure when served over https.
 */
export function sessionCookie(token: string, request: Request, maxAgeMs = SESSION_TTL_MS): string {
  const attrs = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/admin",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ];
  if (isHttps(request)) attrs.push("Secure");
  return attrs.join("; ");
}

export const clearedSessionCookie = (request: Request) => sessionCookie("", request, 0);

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie-authenticated writes must come from our own pages: the Origin header's host must
 * be the host the request was sent to (Host, or X-Forwarded-Host when `viaTrustedProxy`:
 * the peer is one of TOLLGATE_TRUSTED_PROXIES, the only senders whose word on the original
 * host is believed; from anyone else it is a header like any other). Without an Origin,
 * Fetch Metadata must say same-origin. Anything else is refused with 403.
 */
export function checkOrigin(request: Request, viaTrustedProxy: boolean): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") {
    let host: string;
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      throw originRefused();
    }
    const forwarded = viaTrustedProxy ? request.headers.get("x-forwarded-host")?.split(",")[0] : null;
    const allowed = [request.headers.get("host"), forwarded]
      .filter((h): h is string => !!h)
      .map((h) => h.trim().toLowerCase());
    if (!allowed.includes(host)) throw originRefused();
    return;
  }
  if (request.headers.get("sec-fetch-site") !== "same-origin") throw originRefused();
}

const originRefused = () =>
  new GatewayError(
    "permission",
    "Cross-origin request refused: admin changes signed in with a cookie must come from the admin panel itself.",
    { code: "origin_mismatch" },
  );
