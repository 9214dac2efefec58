import { forbidden, GatewayError, unauthorized } from "../errors.ts";
import type { KeyRecord, KeyStore } from "../keys/key-store.ts";
import type { RateLimiter } from "../limits/rate-limit.ts";
import { signedPrincipal } from "./request-principal.ts";

/** What authenticating a client reads: the key store and the key's account (whether it exists, whether it is suspended). */
export type ClientAuthDeps = {
  readonly keys: Pick<KeyStore, "authenticate">;
  readonly book: { get(accountId: string): { status: string } | undefined };
};

/**
 * A header's value without one "Bearer " scheme word. Clients that pass `api_key="Bearer <token>"`
 * (XRouter's own example does) make the SDK send `Bearer Bearer <token>`: one doubled word is
 * that mistake, forgiven; anything more is not a key and is refused like any wrong key.
 */
const ONE_SCHEME_WORD = /^(?:Bearer\s+)?(\S+)$/i;

function withoutSchemeWord(value: string): string {
  return ONE_SCHEME_WORD.exec(value)?.[1] ?? value;
}

/**
 * The client key from `Authorization: Bearer`, or the headers other SDKs use:
 * `x-api-key` (Anthropic), `x-goog-api-key` and `?key=` (Google).
 */
export function presentedKey(request: Request): string | null {
  const auth = request.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return withoutSchemeWord(m[1]);
  }
  const other = request.headers.get("x-api-key") ?? request.headers.get("x-goog-api-key");
  if (other) return withoutSchemeWord(other.trim());
  const q = request.url.indexOf("?");
  if (q !== -1) {
    const key = new URLSearchParams(request.url.slice(q + 1)).get("key");
    if (key) return key;
  }
  return null;
}

/**
 * For read-only client routes: authenticates and sets the key's current X-RateLimit-*
 * headers (without counting the request against the limits).
 */
export function authenticateReader(
  gw: ClientAuthDeps & { readonly limiter: Pick<RateLimiter, "peek"> },
  request: Request,
  headers: Record<string, string | number>,
): KeyRecord {
  const key = authenticateClient(gw, request);
  Object.assign(headers, gw.limiter.peek(key, Date.now()));
  return key;
}

/**
 * Authenticates a client key against the in-memory key store (synced with CLI changes as
 * the request arrived: cache-sync.ts), or takes the outcome of a signed token (a JWT)
 * verified as the request arrived (identity/bearer.ts): a person's calls run under their
 * membership's key.
 */
export function authenticateClient(gw: ClientAuthDeps, request: Request): KeyRecord {
  const token = presentedKey(request);
  if (!token) throw unauthorized("Missing API key: send Authorization: Bearer sk-tg-...", "missing_api_key");
  const signed = signedPrincipal(request);
  if (signed instanceof GatewayError) throw signed;
  const key = signed?.key ?? gw.keys.authenticate(token, Date.now());
  const account = gw.book.get(key.accountId);
  if (!account) throw unauthorized("The account of this API key no longer exists.", "account_missing");
  if (account.status === "suspended")
    throw forbidden(
      "The account of this API key is suspended: an administrator can resume it; until then its keys are refused.",
      "account_suspended",
    );
  return key;
}
