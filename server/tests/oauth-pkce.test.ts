/**
 * OAuth 2.0 authorization code with PKCE for apps, end to end over HTTP: an admin
 * registers an app, a user signs in by e-mail code (read from a real SMTP server), opens
 * the consent page with the browser cookie, approves an account and a spend limit, the
 * app exchanges the code for a key and calls the API with the OpenAI SDK, billed to that
 * account until the limit. Then the attacks on each step, as an attacker would try them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { standardConfig, statusOf, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, signIn, type Tokens } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

const REDIRECT = "https://studio.example.com/callback";
const LOOPBACK_REDIRECT = "http://127.0.0.1:8765/cb";

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let app: App;
let other: App;
let alice: Person;
let mallory: Person;

type App = { id: string; client_id: string; name: string };
type Person = Tokens & { jar: { cookie: string } };
type Grant = Record<string, unknown> & { id: string; status: string; spent: number; key_id: string };

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({ config: standardConfig(mock.url, identityConfig(smtp, "open")) });
  app = await register("Chat Studio", [REDIRECT, LOOPBACK_REDIRECT]);
  other = await register("Other App", ["https://other.example.net/cb"]);
  alice = await person("alice@example.com");
  mallory = await person("mallory@example.com");
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});
afterEach(() => setSystemTime());

async function register(name: string, redirect_uris: string[]): Promise<App> {
  const r = await tg.admin<App>("POST", "/oauth/apps", { name, redirect_uris });
  expect(r.status).toBe(201);
  return r.body;
}

/** Signed in by e-mail code, then a browser session, as the consent page's script does. */
async function person(email: string): Promise<Person> {
  const t = await signIn(tg, smtp, email);
  const opened = await fetch(`${tg.url}/auth/session`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.access_token}` },
  });
  expect(opened.status).toBe(200);
  return { ...t, jar: { cookie: opened.headers.get("set-cookie")!.split(";")[0]! } };
}

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

type Authz = {
  client_id?: string;
  redirect_uri?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  response_type?: string;
  state?: string;
};

const authzParams = (a: App, challenge: string, extra: Authz = {}): Record<string, string> => {
  const p: Record<string, string | undefined> = {
    response_type: "code",
    client_id: a.client_id,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...extra,
  };
  return Object.fromEntries(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined));
};

async function openPage(params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${tg.url}/oauth/authorize?${new URLSearchParams(params)}`, {
    headers,
    redirect: "manual",
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function postConsent(
  who: Person,
  fields: Record<string, string>,
  headers: Record<string, string> = { origin: "" },
) {
  const res = await fetch(`${tg.url}/oauth/authorize`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...who.jar,
      ...headers,
      origin: headers.origin || tg.url,
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), text: await res.text() };
}

/** Alice opens the consent page for `params`, and the form is edited before it is approved. */
async function approveEdited(params: Record<string, string>, edits: Record<string, string>) {
  const page = await openPage(params, alice.jar);
  return postConsent(alice, { ...params, csrf: csrfOf(page.html), decision: "approve", ...edits });
}

/** Opens the consent page as `who`, submits it; the redirect's URL. */
async function consent(
  who: Person,
  params: Record<string, string>,
  choice: { decision?: string; account_id?: string; spend_limit?: string } = {},
): Promise<URL> {
  const page = await openPage(params, who.jar);
  expect(page.status).toBe(200);
  const r = await postConsent(who, {
    ...params,
    csrf: csrfOf(page.html),
    decision: choice.decision ?? "approve",
    account_id: choice.account_id ?? who.account.id,
    spend_limit: choice.spend_limit ?? "",
  });
  expect(r.status).toBe(303);
  return new URL(r.location!);
}

/** A code approved by `who` for `app` (registered redirect), with its verifier. */
async function approvedCode(who: Person, choice: { account_id?: string; spend_limit?: string } = {}) {
  const { verifier, challenge } = pkce();
  const back = await consent(who, authzParams(app, challenge, { state: "s1" }), choice);
  const code = back.searchParams.get("code");
  expect(code).toMatch(/^tgc_/);
  return { code: code!, verifier };
}

async function token(fields: Record<string, string>, path = "/oauth/token", json = false) {
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string>, headers: res.headers };
}

const exchangeFields = (code: string, verifier: string, extra: Record<string, string> = {}) => ({
  grant_type: "authorization_code",
  code,
  code_verifier: verifier,
  redirect_uri: REDIRECT,
  client_id: app.client_id,
  ...extra,
});

/** A chat completion through the OpenAI SDK with the key: its status. */
const chat = (key: string) =>
  statusOf(
    tg.openai(key).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 20,
    }),
  );

/** What the gateway answers a key on GET /v1/models: 200, or 401 once it is revoked. */
const keyStatus = (key: string) => statusOf(tg.openai(key).models.list());

const balanceOf = async (accountId: string) =>
  (await tg.admin<{ balance: number }>("GET", `/accounts/${accountId}`)).body.balance;

describe("the round trip", () => {
  test("sign in on the page, consent, code, token; the key is billed to the chosen account up to the spend limit", async () => {
    // Alice is also a member of a team account with money on it: she connects the app to that one.
    const team = await tg.account("team", 50);
    expect((await tg.admin("POST", `/accounts/${team}/members`, { email: alice.user.email })).status).toBe(
      201,
    );
    const personalBefore = await balanceOf(alice.account.id);

    const { verifier, challenge } = pkce();
    const params = authzParams(app, challenge, { state: "st-42" });
    // Not signed in: the page signs in by e-mail code itself, with the /auth endpoints.
    const anon = await openPage(params, { "accept-language": "ru-RU,ru;q=0.9,en;q=0.5" });
    expect(anon.status).toBe(200);
    expect(anon.headers.get("content-type")).toContain("text/html");
    expect(anon.html).toContain('lang="ru"');
    expect(anon.html).toContain("Chat Studio");
    for (const path of [
      "/auth/send-code",
      "/auth/verify-email",
      "/auth/complete-registration",
      "/auth/session",
    ])
      expect(anon.html).toContain(path);
    expect(anon.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(anon.headers.get("x-frame-options")).toBe("DENY");

    // Signed in (the cookie the page's script gets from POST /auth/session): the consent form.
    const page = await openPage(params, alice.jar);
    expect(page.html).toContain('lang="en"');
    expect(page.html).toContain("https://studio.example.com");
    expect(page.html).toContain(`value="${team}"`);
    expect(page.html).toContain(`value="${alice.account.id}"`);
    expect(csrfOf(page.html)).not.toBe("");

    const back = await consent(alice, params, { account_id: team, spend_limit: "0.0002" });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("st-42");
    const code = back.searchParams.get("code")!;

    const t = await token(exchangeFields(code, verifier));
    expect(t.status).toBe(200);
    expect(t.headers.get("cache-control")).toBe("no-store");
    expect(t.body).toMatchObject({
      token_type: "bearer",
      user_id: alice.user.id,
      account_id: team,
      spend_limit: 0.0002,
    });
    expect(t.body.access_token).toMatch(/^sk-tg-/);
    expect(t.body.key).toBe(t.body.access_token);

    // The OpenAI SDK with the key: billed to the team account, until the grant's limit.
    mock.always({});
    const codes: number[] = [];
    for (let i = 0; i < 40 && codes.at(-1) !== 402; i++) codes.push(await chat(t.body.key!));
    expect(codes.filter((c) => c === 200).length).toBeGreaterThan(3);
    expect(codes.at(-1)).toBe(402);

    const grants = await call<{ data: Grant[] }>(tg, "GET", "/auth/apps", { bearer: alice.access_token });
    expect(grants.status).toBe(200);
    const g = grants.body.data.find((x) => x.id === t.body.grant_id)!;
    expect(g).toMatchObject({
      app_id: app.id,
      app_name: "Chat Studio",
      account_id: team,
      account_name: "team",
      key_prefix: t.body.key!.slice(0, 12),
      spend_limit: 0.0002,
      currency: "USD",
      status: "active",
    });
    expect(g.spent).toBeGreaterThan(0);
    expect(g.spent).toBeLessThanOrEqual(0.0002);
    expect(await balanceOf(team)).toBeCloseTo(50 - g.spent, 9);
    expect(await balanceOf(alice.account.id)).toBe(personalBefore);
    const rows = await tg.logRows(g.key_id);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => r.account_id === team)).toBe(true);

    // The cookie reads the same list (the portal), and the admin sees the grant with its user.
    const viaCookie = await call<{ data: Grant[] }>(tg, "GET", "/auth/apps", { headers: alice.jar });
    expect(viaCookie.body.data.map((x) => x.id)).toContain(g.id);
    const admin = await tg.admin<{ data: Grant[]; total: number }>("GET", `/oauth/grants?account_id=${team}`);
    expect(admin.body.data).toEqual([
      expect.objectContaining({ id: g.id, user_id: alice.user.id, user_email: alice.user.email }),
    ]);
    const byApp = await tg.admin<{ data: Grant[] }>("GET", `/oauth/grants?app_id=${other.id}`);
    expect(byApp.body.data).toEqual([]);

    // The user revokes it: the key stops at once.
    const del = await call<Grant>(tg, "DELETE", `/auth/apps/${g.id}`, { bearer: alice.access_token });
    expect(del.status).toBe(200);
    expect(del.body.status).toBe("revoked");
    expect(await chat(t.body.key!)).toBe(401);
  });

  test("OpenRouter's exchange: POST /api/v1/auth/keys {code, code_verifier, code_challenge_method} -> {key, user_id}", async () => {
    const { code, verifier } = await approvedCode(alice);
    const r = await token(
      { code, code_verifier: verifier, code_challenge_method: "S256" },
      "/api/v1/auth/keys",
      true,
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ key: expect.stringMatching(/^sk-tg-/), user_id: alice.user.id });
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    // A browser app posting JSON from its own origin asks first (CORS preflight); no cookie is involved.
    const preflight = await fetch(`${tg.url}/api/v1/auth/keys`, {
      method: "OPTIONS",
      headers: {
        origin: "https://studio.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const models = await tg.openai(r.body.key!).models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-test");
  });

  test("a JSON body at /oauth/token; a loopback redirect URI; state passed through verbatim", async () => {
    const { verifier, challenge } = pkce();
    const state = "a b&c=d/é";
    const back = await consent(
      alice,
      authzParams(app, challenge, { redirect_uri: LOOPBACK_REDIRECT, state }),
    );
    expect(`${back.origin}${back.pathname}`).toBe(LOOPBACK_REDIRECT);
    expect(back.searchParams.get("state")).toBe(state);
    const t = await token(
      exchangeFields(back.searchParams.get("code")!, verifier, { redirect_uri: LOOPBACK_REDIRECT }),
      "/oauth/token",
      true,
    );
    expect(t.status).toBe(200);
  });

  test("deny: access_denied with the state; without a state none comes back", async () => {
    const { challenge } = pkce();
    const denied = await consent(alice, authzParams(app, challenge, { state: "keep-me" }), {
      decision: "deny",
    });
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("keep-me");
    expect(denied.searchParams.has("code")).toBe(false);
    const noState = await consent(alice, authzParams(app, challenge), { decision: "deny" });
    expect(noState.searchParams.get("error")).toBe("access_denied");
    expect(noState.searchParams.has("state")).toBe(false);
    const approvedNoState = await consent(alice, authzParams(app, challenge));
    expect(approvedNoState.searchParams.has("code")).toBe(true);
    expect(approvedNoState.searchParams.has("state")).toBe(false);
  });
});

describe("attacks on the code exchange", () => {
  test("a wrong verifier: invalid_grant, and the code is burnt (the right verifier after it fails too)", async () => {
    const { code, verifier } = await approvedCode(alice);
    const wrong = await token(exchangeFields(code, pkce().verifier));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
    expect((await token(exchangeFields(code, verifier))).body.error).toBe("invalid_grant");
  });

  test("a replayed code: invalid_grant, and the key the first exchange gave is revoked", async () => {
    const { code, verifier } = await approvedCode(alice);
    const first = await token(exchangeFields(code, verifier));
    expect(first.status).toBe(200);
    const again = await token(exchangeFields(code, verifier));
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");
    expect(await keyStatus(first.body.key!)).toBe(401);
    const grants = await call<{ data: Grant[] }>(tg, "GET", "/auth/apps", { bearer: alice.access_token });
    expect(grants.body.data.find((g) => g.id === first.body.grant_id)?.status).toBe("revoked");
  });

  test("an expired code: refused after 60 s, taken at 59 s", async () => {
    const t0 = Date.now();
    setSystemTime(t0);
    const late = await approvedCode(alice);
    const ok = await approvedCode(alice);
    setSystemTime(t0 + 59_000);
    expect((await token(exchangeFields(ok.code, ok.verifier))).status).toBe(200);
    setSystemTime(t0 + 60_000);
    const r = await token(exchangeFields(late.code, late.verifier));
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("invalid_grant");
  });

  test("another client's code, or another redirect URI than the code's: invalid_grant", async () => {
    const a = await approvedCode(alice);
    const asOther = await token(exchangeFields(a.code, a.verifier, { client_id: other.client_id }));
    expect(asOther.body.error).toBe("invalid_grant");
    const b = await approvedCode(alice);
    const elsewhere = await token(exchangeFields(b.code, b.verifier, { redirect_uri: LOOPBACK_REDIRECT }));
    expect(elsewhere.body.error).toBe("invalid_grant");
  });

  test("malformed exchanges: RFC 6749 errors, nothing issued", async () => {
    const { code, verifier } = await approvedCode(alice);
    const cases: [Record<string, string>, string][] = [
      [{ ...exchangeFields(code, verifier), grant_type: "password" }, "unsupported_grant_type"],
      [
        { code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: app.client_id },
        "invalid_request",
      ],
      [{ ...exchangeFields(code, verifier), code_verifier: "short" }, "invalid_request"],
      [{ ...exchangeFields(code, verifier), client_id: "" }, "invalid_request"],
    ];
    for (const [fields, error] of cases) {
      const r = await token(fields);
      expect([r.status, r.body.error]).toEqual([400, error]);
    }
    const plain = await token(
      { code, code_verifier: verifier, code_challenge_method: "plain" },
      "/api/v1/auth/keys",
      true,
    );
    expect([plain.status, plain.body.error]).toEqual([400, "invalid_request"]);
    for (const path of ["/oauth/token", "/api/v1/auth/keys"]) {
      const broken = await fetch(`${tg.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect([broken.status, await broken.json()]).toEqual([
        400,
        { error: "invalid_request", error_description: expect.any(String) },
      ]);
    }
    // None of those spent the code.
    expect((await token(exchangeFields(code, verifier))).status).toBe(200);
  });
});

describe("attacks on the consent page", () => {
  test("a redirect URI not registered, or an unknown client: an error page, no redirect", async () => {
    const { challenge } = pkce();
    for (const params of [
      authzParams(app, challenge, { redirect_uri: "https://evil.example/steal" }),
      authzParams(app, challenge, { redirect_uri: `${REDIRECT}/../x` }),
      authzParams(app, challenge, { redirect_uri: `${REDIRECT}?x=1` }),
      authzParams(app, challenge, { client_id: "tgapp_nope" }),
      authzParams(other, challenge),
    ]) {
      const page = await openPage(params, alice.jar);
      expect(page.status).toBe(400);
      expect(page.headers.get("location")).toBeNull();
      expect(page.html).not.toContain('name="csrf"');
    }
    const ru = await openPage(authzParams(app, challenge, { client_id: "tgapp_nope" }), {
      "accept-language": "ru",
    });
    expect(ru.status).toBe(400);
    expect(ru.html).toContain("Неизвестный или отключённый client_id.");
    // The form posted with a foreign redirect URI (and a valid token): a page too, no code.
    const forged = await approveEdited(authzParams(app, challenge), {
      redirect_uri: "https://evil.example/steal",
      account_id: alice.account.id,
    });
    expect(forged.status).toBe(400);
    expect(forged.location).toBeNull();
  });

  test("plain or no code_challenge_method, no challenge, another response_type: an error back to the app, with the state", async () => {
    const { challenge } = pkce();
    const cases: [Authz, string][] = [
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge_method: undefined }, "invalid_request"],
      [{ code_challenge: undefined }, "invalid_request"],
      [{ response_type: "token" }, "unsupported_response_type"],
    ];
    for (const [extra, error] of cases) {
      const page = await openPage(authzParams(app, challenge, { state: "z9", ...extra }), alice.jar);
      expect(page.status).toBe(303);
      const back = new URL(page.headers.get("location")!);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      expect([back.searchParams.get("error"), back.searchParams.get("state")]).toEqual([error, "z9"]);
      expect(back.searchParams.has("code")).toBe(false);
    }
  });

  test("the consent POST cross-origin, without the CSRF token, with another session's token: 403, no code", async () => {
    const { challenge } = pkce();
    const params = authzParams(app, challenge, { state: "s" });
    const page = await openPage(params, alice.jar);
    const fields = { ...params, decision: "approve", account_id: alice.account.id };
    const cross = await postConsent(
      alice,
      { ...fields, csrf: csrfOf(page.html) },
      { origin: "https://evil.example" },
    );
    expect(cross.status).toBe(403);
    expect(cross.location).toBeNull();
    const noToken = await postConsent(alice, fields);
    expect(noToken.status).toBe(403);
    expect(noToken.location).toBeNull();
    const mallorysPage = await openPage(params, mallory.jar);
    const foreignToken = await postConsent(alice, { ...fields, csrf: csrfOf(mallorysPage.html) });
    expect(foreignToken.status).toBe(403);
    // And without a session at all.
    const anon = await fetch(`${tg.url}/oauth/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: tg.url },
      body: new URLSearchParams({ ...fields, csrf: csrfOf(page.html) }),
      redirect: "manual",
    });
    expect(anon.status).toBe(401);
  });

  test("an account that is not the user's, a spend limit that is not an amount: refused, no code", async () => {
    const { challenge } = pkce();
    const params = authzParams(app, challenge);
    const r = await approveEdited(params, { account_id: mallory.account.id });
    expect(r.status).toBe(400);
    expect(r.location).toBeNull();
    for (const spend_limit of ["-1", "0", "abc", "1e3"]) {
      const bad = await approveEdited(params, { account_id: alice.account.id, spend_limit });
      expect([spend_limit, bad.status, bad.location]).toEqual([spend_limit, 400, null]);
      expect(bad.text).toContain("spend limit must be a positive amount");
    }
  });

  test("a member capped by the admin cannot lift the cap through an app", async () => {
    const keys = await tg.admin<{ data: { id: string; name: string }[] }>(
      "GET",
      `/keys?account_id=${mallory.account.id}`,
    );
    const own = keys.body.data.find((k) => k.name === `Sign-in: ${mallory.user.email}`)!;
    expect((await tg.admin("PATCH", `/keys/${own.id}`, { spend_limit: 1 })).status).toBe(200);
    const unlimited = await approvedCode(mallory);
    const t1 = await token(exchangeFields(unlimited.code, unlimited.verifier));
    expect(t1.body.spend_limit as unknown).toBe(1);
    const higher = await approvedCode(mallory, { spend_limit: "5" });
    expect((await token(exchangeFields(higher.code, higher.verifier))).body.spend_limit as unknown).toBe(1);
    const lower = await approvedCode(mallory, { spend_limit: "0.5" });
    expect((await token(exchangeFields(lower.code, lower.verifier))).body.spend_limit as unknown).toBe(0.5);
  });
});

describe("attacks on grants and the admin routes", () => {
  test("another user's grant through /auth/apps: 404, and it stays; a cross-site DELETE with the cookie: 403", async () => {
    const { code, verifier } = await approvedCode(alice);
    const t = await token(exchangeFields(code, verifier));
    const grantId = t.body.grant_id!;
    const mine = await call<{ data: Grant[] }>(tg, "GET", "/auth/apps", { bearer: mallory.access_token });
    expect(mine.body.data.map((g) => g.id)).not.toContain(grantId);
    const del = await call(tg, "DELETE", `/auth/apps/${grantId}`, { bearer: mallory.access_token });
    expect(del.status).toBe(404);
    const cross = await call(tg, "DELETE", `/auth/apps/${grantId}`, {
      headers: { ...alice.jar, origin: "https://evil.example" },
    });
    expect(cross.status).toBe(403);
    const apiKey = await call(tg, "DELETE", `/auth/apps/${grantId}`, { bearer: t.body.key });
    expect(apiKey.status).toBe(403);
    expect(await keyStatus(t.body.key!)).toBe(200);
    const same = await call<Grant>(tg, "DELETE", `/auth/apps/${grantId}`, {
      headers: { ...alice.jar, origin: tg.url },
    });
    expect([same.status, same.body.status]).toEqual([200, "revoked"]);
  });

  test("a member removed from the account, a disabled user: the keys their apps hold stop", async () => {
    const carol = await person("carol@example.com");
    const team = await tg.account("carol-team", 10);
    expect((await tg.admin("POST", `/accounts/${team}/members`, { email: carol.user.email })).status).toBe(
      201,
    );
    const onTeam = await approvedCode(carol, { account_id: team });
    const teamKey = (await token(exchangeFields(onTeam.code, onTeam.verifier))).body.key!;
    const own = await approvedCode(carol);
    const ownKey = (await token(exchangeFields(own.code, own.verifier))).body.key!;
    expect([await keyStatus(teamKey), await keyStatus(ownKey)]).toEqual([200, 200]);

    expect((await tg.admin("DELETE", `/accounts/${team}/members/${carol.user.id}`)).status).toBe(200);
    expect([await keyStatus(teamKey), await keyStatus(ownKey)]).toEqual([401, 200]);
    expect((await tg.admin("PATCH", `/users/${carol.user.id}`, { status: "disabled" })).status).toBe(200);
    expect(await keyStatus(ownKey)).toBe(401);
    const grants = await tg.admin<{ data: Grant[] }>("GET", `/oauth/grants?user_id=${carol.user.id}`);
    expect(grants.body.data.map((g) => g.status)).toEqual(["revoked", "revoked"]);
  });

  test("every admin OAuth route with a user's access token: 401, nothing changed", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", "/oauth/apps"],
      ["POST", "/oauth/apps", { name: "evil", redirect_uris: ["https://evil.example/cb"] }],
      ["GET", `/oauth/apps/${app.id}`],
      ["PATCH", `/oauth/apps/${app.id}`, { redirect_uris: ["https://evil.example/cb"] }],
      ["DELETE", `/oauth/apps/${app.id}`],
      ["GET", "/oauth/grants"],
      ["DELETE", "/oauth/grants/oag_x"],
    ];
    for (const [method, path, body] of routes) {
      const r = await call(tg, method, `/admin/api${path}`, { bearer: alice.access_token, body });
      expect([path, r.status]).toEqual([path, 401]);
    }
    const still = await tg.admin<{ redirect_uris: string[]; status: string }>("GET", `/oauth/apps/${app.id}`);
    expect(still.body).toMatchObject({ redirect_uris: [REDIRECT, LOOPBACK_REDIRECT], status: "active" });
  });
});

describe("apps, for the admin", () => {
  test("redirect URIs: https, or http on loopback only; no fragment", async () => {
    for (const uri of [
      "http://studio.example.com/cb",
      "https://x.example/cb#frag",
      "not a url",
      "ftp://x.example/",
    ]) {
      const r = await tg.admin("POST", "/oauth/apps", { name: "bad", redirect_uris: [uri] });
      expect([uri, r.status]).toEqual([uri, 400]);
    }
    for (const uri of ["http://localhost:3000/cb", "http://[::1]:9/cb", "https://x.example/cb?tenant=1"])
      expect((await tg.admin("POST", "/oauth/apps", { name: "ok", redirect_uris: [uri] })).status).toBe(201);
  });

  test("list, edit, disable (no new codes, no exchange), delete (its keys revoked)", async () => {
    const a = await register("Short-lived", ["https://short.example/cb"]);
    const list = await tg.admin<{ data: App[]; total: number }>("GET", "/oauth/apps");
    expect(list.body.data.map((x) => x.id)).toContain(a.id);
    expect((await tg.admin("PATCH", `/oauth/apps/${a.id}`, { name: "Renamed" })).body).toMatchObject({
      name: "Renamed",
    });

    const { verifier, challenge } = pkce();
    const params = authzParams(a, challenge, { redirect_uri: "https://short.example/cb" });
    const back = await consent(alice, params);
    const code = back.searchParams.get("code")!;
    const t = await token({
      ...exchangeFields(code, verifier),
      client_id: a.id,
      redirect_uri: "https://short.example/cb",
    });
    expect(t.status).toBe(200);

    await tg.admin("PATCH", `/oauth/apps/${a.id}`, { status: "disabled" });
    expect((await openPage(params, alice.jar)).status).toBe(400);
    await tg.admin("PATCH", `/oauth/apps/${a.id}`, { status: "active" });
    const pending = await consent(alice, params);
    await tg.admin("PATCH", `/oauth/apps/${a.id}`, { status: "disabled" });
    const refused = await token({
      ...exchangeFields(pending.searchParams.get("code")!, verifier),
      client_id: a.id,
      redirect_uri: "https://short.example/cb",
    });
    expect([refused.status, refused.body.error]).toEqual([401, "invalid_client"]);

    const del = await tg.admin("DELETE", `/oauth/apps/${a.id}`);
    expect(del.body).toEqual({ deleted: true, revoked: 1 });
    expect(await keyStatus(t.body.key!)).toBe(401);
    expect((await tg.admin("GET", `/oauth/apps/${a.id}`)).status).toBe(404);
    const grant = await tg.admin<{ data: Grant[] }>("GET", `/oauth/grants?app_id=${a.id}`);
    expect(grant.body.data.map((g) => g.status)).toEqual(["revoked"]);
  });

  test("the admin revokes a grant", async () => {
    const { code, verifier } = await approvedCode(alice);
    const t = await token(exchangeFields(code, verifier));
    const r = await tg.admin<Grant>("DELETE", `/oauth/grants/${t.body.grant_id}`);
    expect([r.status, r.body.status]).toEqual([200, "revoked"]);
    expect(await keyStatus(t.body.key!)).toBe(401);
    expect((await tg.admin("DELETE", "/oauth/grants/oag_nope")).status).toBe(404);
  });
});

describe("apps a user registers", () => {
  test("register, list, edit, use, delete one's own; another user's app is 404; the consent page says who registered it", async () => {
    const made = await call<App & { owner_user_id: string }>(tg, "POST", "/auth/apps/registered", {
      bearer: alice.access_token,
      body: { name: "Alice's Tool", redirect_uris: ["http://localhost:7777/cb"] },
    });
    expect(made.status).toBe(201);
    expect(made.body.owner_user_id).toBe(alice.user.id);
    const mine = await call<{ data: App[] }>(tg, "GET", "/auth/apps/registered", { headers: alice.jar });
    expect(mine.body.data.map((a) => a.id)).toEqual([made.body.id]);
    const theirs = await call<{ data: App[] }>(tg, "GET", "/auth/apps/registered", {
      bearer: mallory.access_token,
    });
    expect(theirs.body.data).toEqual([]);

    // Mallory can neither edit nor delete it; nor can a cross-site request with Alice's cookie.
    const path = `/auth/apps/registered/${made.body.id}`;
    const hijack = { redirect_uris: ["https://evil.example/cb"] };
    expect((await call(tg, "PATCH", path, { bearer: mallory.access_token, body: hijack })).status).toBe(404);
    expect((await call(tg, "DELETE", path, { bearer: mallory.access_token })).status).toBe(404);
    const cross = await call(tg, "PATCH", path, {
      headers: { ...alice.jar, origin: "https://evil.example" },
      body: hijack,
    });
    expect(cross.status).toBe(403);
    // Nor can an admin-registered app be edited through these routes.
    expect(
      (
        await call(tg, "PATCH", `/auth/apps/registered/${app.id}`, {
          bearer: alice.access_token,
          body: hijack,
        })
      ).status,
    ).toBe(404);

    const { verifier, challenge } = pkce();
    const params = authzParams(made.body, challenge, { redirect_uri: "http://localhost:7777/cb" });
    const page = await openPage(params, mallory.jar);
    expect(page.html).toContain("registered by a user of this gateway");
    expect((await openPage(authzParams(app, challenge), mallory.jar)).html).not.toContain(
      "registered by a user",
    );
    const back = await consent(mallory, params);
    const t = await token({
      ...exchangeFields(back.searchParams.get("code")!, verifier),
      client_id: made.body.id,
      redirect_uri: "http://localhost:7777/cb",
    });
    expect(t.status).toBe(200);

    const renamed = await call<App>(tg, "PATCH", path, {
      bearer: alice.access_token,
      body: { name: "Tool 2" },
    });
    expect(renamed.body.name).toBe("Tool 2");
    const del = await call(tg, "DELETE", path, { headers: { ...alice.jar, origin: tg.url } });
    expect(del.body).toEqual({ deleted: true, revoked: 1 });
    expect(await keyStatus(t.body.key!)).toBe(401);
  });

  test("an API key cannot register apps; a user has at most 20", async () => {
    const { code, verifier } = await approvedCode(alice);
    const key = (await token(exchangeFields(code, verifier))).body.key!;
    const body = { name: "x", redirect_uris: ["https://x.example/cb"] };
    expect((await call(tg, "POST", "/auth/apps/registered", { bearer: key, body })).status).toBe(403);
    const dave = await signIn(tg, smtp, "dave@example.com");
    const codes: number[] = [];
    for (let i = 0; i < 21; i++)
      codes.push(
        (await call(tg, "POST", "/auth/apps/registered", { bearer: dave.access_token, body })).status,
      );
    expect(codes.filter((c) => c === 201)).toHaveLength(20);
    expect(codes.at(-1)).toBe(409);
  });
});
