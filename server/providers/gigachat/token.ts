import type { ProviderRecord } from "../../catalog/catalog.ts";
import { GatewayError } from "../../errors.ts";
import { sha256 } from "../../secrets/tokens.ts";
import { upstreamError } from "../errors.ts";
import { MAX_ERROR_BYTES, readCapped, tlsInit } from "../http.ts";

/**
 * GigaChat's OAuth client-credentials flow (POST /api/v2/oauth on ngw.devices.sberbank.ru):
 * `Authorization: Basic <authorization key>` (base64 of client_id:client_secret, the
 * provider's api_key), a fresh `RqUID` (uuid4) per request, form body `scope=GIGACHAT_API_PERS`
 * (or _B2B / _CORP). The answer is {access_token, expires_at} with expires_at in epoch ms;
 * a token lives 30 minutes.
 *
 * Tokens are cached in memory per provider and credentials, refreshed shortly before they
 * expire, fetched once for all concurrent callers (single flight), and never logged or
 * put in an error message.
 */

export const DEFAULT_AUTH_URL = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth";
export const SCOPES = ["GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP"] as const;
/** Refresh this long before expiry, so a request never starts with a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;

type Cached = { token: string; expiresAt: number };
type Entry = { cached: Cached | null; pending: Promise<Cached> | null };

const misconfigured = (what: string) =>
  new GatewayError("unavailable", `The GigaChat provider is misconfigured: ${what}.`, {
    code: "provider_misconfigured",
  });

export function gigachatAuth(provider: ProviderRecord): { key: string; scope: string; url: string } {
  if (!provider.apiKey) throw misconfigured("api_key (the authorization key) is not set");
  const scope = provider.options.scope ?? "GIGACHAT_API_PERS";
  if (typeof scope !== "string" || !(SCOPES as readonly string[]).includes(scope))
    throw misconfigured(`options.scope must be one of ${SCOPES.join(", ")}`);
  const url = provider.options.auth_url ?? DEFAULT_AUTH_URL;
  if (typeof url !== "string" || !/^https?:\/\//.test(url))
    throw misconfigured("options.auth_url is not a URL");
  return { key: provider.apiKey, scope, url };
}

/** Reads {access_token, expires_at (ms)}; the older {tok, exp (s)} shape is accepted too. */
function parseToken(text: string): Cached | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const token =
    typeof o.access_token === "string" ? o.access_token : typeof o.tok === "string" ? o.tok : null;
  const raw = Number(o.expires_at ?? o.exp);
  if (!token || !Number.isFinite(raw) || raw <= 0) return null;
  return { token, expiresAt: raw < 1e12 ? raw * 1000 : raw };
}

export class GigaChatTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A valid access token for the provider: cached, or fetched once for every waiter. */
  async get(provider: ProviderRecord): Promise<string> {
    const auth = gigachatAuth(provider);
    // Keyed by the credentials too, so an edited key or scope never reuses an old token.
    const id = `${provider.id}:${sha256(`${auth.key}\n${auth.scope}\n${auth.url}`)}`;
    let e = this.entries.get(id);
    if (!e) {
      e = { cached: null, pending: null };
      this.entries.set(id, e);
    }
    if (e.cached && e.cached.expiresAt - REFRESH_MARGIN_MS > this.now()) return e.cached.token;
    const entry = e;
    entry.pending ??= this.fetch(provider, auth).then(
      (t) => {
        entry.cached = t;
        entry.pending = null;
        return t;
      },
      (err: unknown) => {
        entry.pending = null;
        throw err;
      },
    );
    return (await entry.pending).token;
  }

  /** Forgets the provider's token (the upstream refused it): the next get() fetches a new one. */
  invalidate(provider: ProviderRecord): void {
    for (const [id, e] of this.entries) if (id.startsWith(`${provider.id}:`) && !e.pending) e.cached = null;
  }

  private async fetch(
    provider: ProviderRecord,
    auth: { key: string; scope: string; url: string },
  ): Promise<Cached> {
    // Not tied to one client's signal: concurrent requests share this fetch.
    const signal = AbortSignal.timeout(provider.timeouts.firstByteMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(auth.url, {
        method: "POST",
        headers: {
          authorization: `Basic ${auth.key}`,
          rquid: crypto.randomUUID(),
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({ scope: auth.scope }).toString(),
        signal,
        redirect: "manual",
        ...tlsInit(provider),
      });
      text = await readCapped(res, MAX_ERROR_BYTES, "truncate");
    } catch (err) {
      const timeout = err instanceof Error && err.name === "TimeoutError";
      throw new GatewayError(
        timeout ? "timeout" : "upstream",
        timeout
          ? "GigaChat's authorization service did not answer in time."
          : "Could not reach GigaChat's authorization service.",
        { code: timeout ? "upstream_timeout" : "upstream_connection_failed" },
      );
    }
    if (!res.ok) {
      const err = upstreamError(res.status, text, res.headers, [auth.key]);
      // Whatever the status, the client cannot fix the gateway's credentials: 502.
      throw new GatewayError("upstream", `GigaChat's authorization failed: ${err.message}`, {
        code: "upstream_auth_failed",
      });
    }
    const token = parseToken(text);
    if (!token)
      throw new GatewayError("upstream", "GigaChat's authorization service sent no usable token.", {
        code: "upstream_auth_failed",
      });
    return token;
  }
}
