import { Elysia } from "elysia";
import { z } from "zod";
import type { AppRow } from "../../db/queries/oauth.ts";
import { checkOrigin } from "../admin-session/cookie.ts";
import { amountToNumber, formatAmount, parseAmount } from "../billing/money.ts";
import { notFound } from "../errors.ts";
import type { ClientAddresses, PeerSource } from "../http/client-address.ts";
import { authParse } from "./body.ts";
import { cookieUser, personOf } from "./caller.ts";
import type { Identity } from "./identity.ts";
import { type Exchange, OAuthError } from "./oauth.ts";
import { consentPage, errorPage, type Lang, type Page, pickLang, signInPage } from "./oauth-page.ts";
import { grantView } from "./oauth-views.ts";
import type { User } from "./users.ts";

const tags = ["OAuth"];

/** The parameters of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3), posted back by the form. */
const AUTHZ_PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "code_challenge",
  "code_challenge_method",
  "state",
] as const;
type AuthzParams = Partial<Record<(typeof AUTHZ_PARAMS)[number], string>>;

/** base64url(SHA-256): 43 characters (RFC 7636 §4.2). */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const html = (p: Page, status = 200) =>
  new Response(p.html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": p.csp,
      "x-frame-options": "DENY",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });

/** Back to the app: `params` on its redirect URI (its own query kept), `state` verbatim when it sent one. */
function backTo(redirectUri: string, params: Record<string, string>, state: string | undefined): Response {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (state !== undefined) url.searchParams.set("state", state);
  return new Response(null, {
    status: 303,
    headers: { location: url.toString(), "cache-control": "no-store" },
  });
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const pick = (src: Record<string, unknown>): AuthzParams =>
  Object.fromEntries(AUTHZ_PARAMS.flatMap((k) => (str(src[k]) !== undefined ? [[k, str(src[k])]] : [])));

/** CORS for the token endpoints: browser apps exchange codes from their own origin (no cookie is involved). */
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "600",
};
const tokenHeaders = { ...CORS, "cache-control": "no-store", pragma: "no-cache" };
const oauthJson = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { ...tokenHeaders, "content-type": "application/json" },
  });

/**
 * The token endpoints read their body themselves (after authParse's size limits): a body
 * that does not parse is RFC 6749's `invalid_request`, not the OpenAI-shaped JSON error.
 */
async function tokenParse({ request, contentType }: { request: Request; contentType: string }) {
  const text = await request.text();
  if (contentType.toLowerCase().startsWith("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) ?? "malformed";
  } catch {
    return "malformed";
  }
}

const TokenBody = z.object({
  grant_type: z.string().optional(),
  code: z.string().min(1).max(200).optional(),
  code_verifier: z.string().max(200).optional(),
  code_challenge_method: z.string().optional(),
  redirect_uri: z.string().max(2000).optional(),
  client_id: z.string().max(200).optional(),
});

/**
 * OAuth 2.0 authorization code with PKCE for apps: the consent page (`/oauth/authorize`,
 * signed in by the browser session cookie, e-mail code sign-in inline), the token endpoint
 * (`/oauth/token`, and OpenRouter's `/api/v1/auth/keys`), and the signed-in user's grants
 * (`/auth/apps`). docs/identity.md#apps-oauth-20-with-pkce.
 */
export const oauthRoutes = (id: Identity, addresses: ClientAddresses) => {
  const { oauth } = id;
  const currency = id.gw.settings.currency;

  /**
   * Checks an authorization request: a fault of the client or the redirect URI is a page
   * (nothing goes to a URI that is not registered, RFC 6749 §4.1.2.1); any other fault
   * goes back to the app.
   */
  async function check(p: AuthzParams, lang: Lang): Promise<{ app: AppRow; redirectUri: string } | Response> {
    const app = p.client_id && p.redirect_uri ? await oauth.client(p.client_id, p.redirect_uri) : null;
    if (!app || !p.redirect_uri)
      return html(
        errorPage(
          lang,
          !p.client_id || (await oauth.app(p.client_id))?.status !== "active"
            ? "unknownClient"
            : "badRedirect",
        ),
        400,
      );
    const fault = (error: string, description: string) =>
      backTo(p.redirect_uri!, { error, error_description: description }, p.state);
    if (p.response_type !== "code")
      return fault("unsupported_response_type", "Only response_type=code is supported.");
    if (p.code_challenge_method !== "S256")
      return fault("invalid_request", "code_challenge_method must be S256 (plain is not accepted).");
    if (!p.code_challenge || !CHALLENGE.test(p.code_challenge))
      return fault(
        "invalid_request",
        "code_challenge must be base64url(SHA-256(code_verifier)), 43 characters.",
      );
    if (p.state !== undefined && p.state.length > 1000) return fault("invalid_request", "state is too long.");
    return { app, redirectUri: p.redirect_uri };
  }

  const hiddenOf = (p: AuthzParams): Record<string, string> =>
    Object.fromEntries(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined));

  async function consent(
    user: User,
    sessionId: string,
    app: AppRow,
    p: AuthzParams,
    lang: Lang,
  ): Promise<Response> {
    const accounts = (await id.users.membershipsOf(user.id)).map((m) => {
      const cap = oauth.capFor(m.accountId, user.id, null);
      return {
        id: m.accountId,
        name: m.accountName,
        cap: cap === null ? null : `${formatAmount(cap)} ${currency}`,
      };
    });
    return html(
      consentPage(lang, {
        appName: app.name,
        byUser: app.ownerUserId !== null,
        redirectUri: p.redirect_uri!,
        email: user.email,
        accounts,
        hidden: hiddenOf(p),
        csrf: oauth.csrfToken(sessionId),
      }),
    );
  }

  function exchangeOf(body: unknown, alias: boolean): Exchange | OAuthError {
    const b = TokenBody.safeParse(body ?? {});
    if (!b.success) return new OAuthError("invalid_request", "The request's parameters are malformed.");
    const v = b.data;
    if (!alias && v.grant_type === undefined)
      return new OAuthError("invalid_request", "grant_type is required.");
    if (!alias && v.grant_type !== "authorization_code")
      return new OAuthError("unsupported_grant_type", "Only grant_type=authorization_code is supported.");
    if (alias && v.code_challenge_method !== undefined && v.code_challenge_method !== "S256")
      return new OAuthError("invalid_request", "code_challenge_method must be S256.");
    if (!v.code || !v.code_verifier)
      return new OAuthError("invalid_request", "code and code_verifier are required.");
    if (!VERIFIER.test(v.code_verifier))
      return new OAuthError("invalid_request", "code_verifier must be 43 to 128 unreserved characters.");
    if (!alias && (!v.redirect_uri || !v.client_id))
      return new OAuthError("invalid_request", "redirect_uri and client_id are required.");
    return { code: v.code, verifier: v.code_verifier, clientId: v.client_id, redirectUri: v.redirect_uri };
  }

  async function token(body: unknown, alias: boolean): Promise<Response> {
    const x = exchangeOf(body, alias);
    try {
      if (x instanceof OAuthError) throw x;
      const r = await oauth.exchange(x, Date.now());
      if (alias) return oauthJson({ key: r.key, user_id: r.grant.userId });
      return oauthJson({
        access_token: r.key,
        token_type: "bearer",
        key: r.key,
        user_id: r.grant.userId,
        account_id: r.grant.accountId,
        grant_id: r.grant.id,
        spend_limit: r.spendLimit === null ? null : amountToNumber(r.spendLimit),
      });
    } catch (e) {
      if (e instanceof OAuthError)
        return oauthJson({ error: e.error, error_description: e.message }, e.status);
      throw e;
    }
  }

  const person = (request: Request, server: PeerSource): Promise<User> =>
    personOf(id, request, addresses.viaTrustedProxy(request, server));

  return new Elysia({ name: "oauth" })
    .onParse(authParse)
    .get(
      "/oauth/authorize",
      async ({ request }) => {
        const lang = pickLang(request.headers.get("accept-language"));
        const p = pick(Object.fromEntries(new URL(request.url).searchParams));
        const ok = await check(p, lang);
        if (ok instanceof Response) return ok;
        const c = await cookieUser(id, request);
        if (!c) return html(signInPage(lang, ok.app.name));
        return consent(c.user, c.session.id, ok.app, p, lang);
      },
      { detail: { summary: "The consent page (signs the user in by e-mail code when needed)", tags } },
    )
    .post(
      "/oauth/authorize",
      async ({ request, server, body }) => {
        // A cookie-authenticated write: only from this very page, with its session's token.
        checkOrigin(request, addresses.viaTrustedProxy(request, server));
        const lang = pickLang(request.headers.get("accept-language"));
        const form = (body ?? {}) as Record<string, unknown>;
        const c = await cookieUser(id, request);
        if (!c) return html(errorPage(lang, "signedOut"), 401);
        if (!oauth.csrfValid(c.session.id, str(form.csrf) ?? ""))
          return html(errorPage(lang, "formExpired"), 403);
        const p = pick(form);
        const ok = await check(p, lang);
        if (ok instanceof Response) return ok;
        if (str(form.decision) !== "approve")
          return backTo(
            ok.redirectUri,
            { error: "access_denied", error_description: "The user denied access." },
            p.state,
          );
        const accountId = str(form.account_id) ?? "";
        if (!id.users.membership(accountId, c.user.id)) return html(errorPage(lang, "notYourAccount"), 400);
        const limitText = str(form.spend_limit)?.trim() ?? "";
        const spendLimit = limitText === "" ? null : parseAmount(limitText);
        if ((spendLimit === null && limitText !== "") || (spendLimit !== null && spendLimit <= 0))
          return html(errorPage(lang, "badLimit"), 400);
        const code = await oauth.issueCode(
          {
            app: ok.app,
            redirectUri: ok.redirectUri,
            codeChallenge: p.code_challenge!,
            userId: c.user.id,
            accountId,
            spendLimit,
          },
          Date.now(),
        );
        return backTo(ok.redirectUri, { code }, p.state);
      },
      { detail: { summary: "The consent form's answer: approve (a code) or deny", tags } },
    )
    .options("/oauth/token", () => new Response(null, { status: 204, headers: CORS }))
    .post("/oauth/token", ({ body }) => token(body, false), {
      parse: tokenParse,
      detail: { summary: "Exchange a code and its PKCE verifier for an API key (RFC 6749 §4.1.3)", tags },
    })
    .options("/api/v1/auth/keys", () => new Response(null, { status: 204, headers: CORS }))
    .post("/api/v1/auth/keys", ({ body }) => token(body, true), {
      parse: tokenParse,
      detail: { summary: "OpenRouter's code exchange: {code, code_verifier} -> {key, user_id}", tags },
    })
    .get(
      "/auth/apps",
      async ({ request, server }) => {
        const user = await person(request, server);
        const page = await oauth.grants({ userId: user.id }, 500, 0);
        return { data: page.rows.map((g) => grantView(g, id.gw.keys, currency)) };
      },
      { detail: { summary: "The apps the signed-in user connected (grants)", tags: ["Auth"] } },
    )
    .delete(
      "/auth/apps/:id",
      async ({ request, server, params }) => {
        const user = await person(request, server);
        const g = await oauth.grant(params.id);
        // Another user's grant is as good as absent.
        if (!g || g.userId !== user.id) throw notFound(`No grant with id '${params.id}'.`, "grant_not_found");
        const revoked = (await oauth.revoke(g.id, Date.now()))!;
        return grantView(revoked, id.gw.keys, currency);
      },
      { detail: { summary: "Revoke an app's access (its key)", tags: ["Auth"] } },
    );
};
