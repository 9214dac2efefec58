/**
 * Access tokens as Bearer on every client surface (OpenAI, Anthropic and Gemini SDKs),
 * refresh rotation and logout, an external issuer (HS256 secret; JWKS served on
 * loopback), and the attacks on JWT verification: `alg: none`, HS/RS confusion, expired,
 * wrong issuer or audience, tampered claims, another key.
 */
import { afterAll, afterEach, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, signIn, type Tokens } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

const SIGNING_KEY = "test-jwt-signing-key-0123456789abcdef";
const IDP_SECRET = "idp-shared-secret-0123456789abcdefghij";
const IDP = "https://idp.example.test/";

const EXTERNAL = `
  external_jwt:
    issuer: "${IDP}"
    audience: tollgate
    secret: ${IDP_SECRET}
    provision: true`;

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let n = 0;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url, identityConfig(smtp, "open", EXTERNAL)),
    env: { JWT_SECRET_KEY: SIGNING_KEY, JWT_ACCESS_TOKEN_EXPIRE_MINUTES: "15" },
  });
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});
afterEach(() => setSystemTime());

/** A new user with money on their account. */
async function funded(balance = 5): Promise<Tokens> {
  const t = await signIn(tg, smtp, `user${++n}@example.com`);
  const r = await tg.admin("POST", `/accounts/${t.account.id}/topups`, { amount: balance });
  expect(r.status).toBe(200);
  return t;
}

const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const parts = (jwt: string) => {
  const [h, p, s] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString()),
    payload: JSON.parse(Buffer.from(p!, "base64url").toString()),
    h: h!,
    p: p!,
    s: s!,
  };
};

/** Signs arbitrary claims HS256 with `secret` (a test knows the gateway's key, so claims, not signatures, are what is tested). */
function hs256(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", ...header })
    .sign(new TextEncoder().encode(secret));
}

async function status(token: string, path = "/v1/models"): Promise<{ status: number; code: unknown }> {
  const r = await call<{ error?: { code?: unknown } }>(tg, "GET", path, { bearer: token });
  return { status: r.status, code: r.body?.error?.code };
}

describe("an access token on every client route", () => {
  test("OpenAI, Anthropic and Gemini SDKs, models and balance: billed to the user's account under their own key", async () => {
    const t = await funded();
    const chat = await tg.openai(t.access_token).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(chat.choices[0]?.message.content).toBeTruthy();
    const msg = await tg.anthropic(t.access_token).messages.create({
      model: "gpt-test",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]?.type).toBe("text");
    const gem = await tg.gemini(t.access_token).models.generateContent({ model: "gpt-test", contents: "hi" });
    expect(gem.text).toBeTruthy();
    const models = await tg.openai(t.access_token).models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-test");

    const bal = await call<{ user_id: string; balance: number }>(tg, "GET", "/billing/balance", {
      bearer: t.access_token,
    });
    expect(bal.body.user_id).toBe(t.account.id);
    expect(bal.body.balance).toBeLessThan(5);

    // The three calls are the membership key's, on the user's account; the ledger has their charges.
    const account = await tg.admin<{ data: { id: string; name: string }[] }>("GET", "/keys");
    const key = account.body.data.find((k) => k.name === `Sign-in: ${t.user.email}`)!;
    const rows = await tg.logRows(key.id);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.account_id === t.account.id && r.status === 200)).toBe(true);
    const ledger = await tg.admin<{ data: { kind: string }[] }>("GET", `/accounts/${t.account.id}/ledger`);
    expect(ledger.body.data.filter((e) => e.kind === "charge")).toHaveLength(3);

    const me = await call<{ usage: { requestsToday: number; tokensToday: number } }>(tg, "GET", "/auth/me", {
      bearer: t.access_token,
    });
    expect(me.body.usage.requestsToday).toBe(3);
    expect(me.body.usage.tokensToday).toBe(
      rows.reduce((s, r) => s + (r.input_tokens as number) + (r.output_tokens as number), 0),
    );
  });

  test("/auth/me answers an API key too, in Iskra's shape", async () => {
    const c = await tg.client(1);
    const me = await call(tg, "GET", "/auth/me", { bearer: c.key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { email: null, tier: null },
      usage: { requestsToday: 0, tokensToday: 0, limit: null, remaining: null },
      auth: "api_key",
      key: { id: c.keyId },
    });
  });

  test("a user's token on the admin API is refused", async () => {
    const t = await funded();
    const r = await call(tg, "GET", "/admin/api/accounts", { bearer: t.access_token });
    expect(r.status).toBe(401);
  });
});

describe("refresh and logout", () => {
  test("refresh rotates; a replayed refresh token ends the whole sign-in", async () => {
    const t = await funded();
    const r1 = await call<Tokens>(tg, "POST", "/auth/refresh", { body: { refresh_token: t.refresh_token } });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(t.refresh_token);
    // The old access token still works until a logout: it names the sign-in, not one rotation.
    expect((await status(t.access_token)).status).toBe(200);
    expect((await status(r1.body.access_token)).status).toBe(200);

    const replay = await call(tg, "POST", "/auth/refresh", { body: { refresh_token: t.refresh_token } });
    expect(replay.status).toBe(401);
    // Reuse means the token was copied: every token of that sign-in is dead now.
    const after = await call(tg, "POST", "/auth/refresh", { body: { refresh_token: r1.body.refresh_token } });
    expect(after.status).toBe(401);
    expect(await status(r1.body.access_token)).toEqual({ status: 401, code: "session_ended" });
  });

  test("logout ends the access token at once, and its refresh token", async () => {
    const t = await funded();
    const out = await call(tg, "POST", "/auth/logout", { bearer: t.access_token });
    expect(out.body).toEqual({ revoked: true });
    expect(await status(t.access_token)).toEqual({ status: 401, code: "session_ended" });
    expect(
      (await call(tg, "POST", "/auth/refresh", { body: { refresh_token: t.refresh_token } })).status,
    ).toBe(401);
    // Logging out with a refresh token alone works too.
    const u = await funded();
    const byToken = await call(tg, "POST", "/auth/logout", { body: { refresh_token: u.refresh_token } });
    expect(byToken.body).toEqual({ revoked: true });
    expect((await status(u.access_token)).status).toBe(401);
  });

  test("refresh can switch to another account of the user, not to someone else's", async () => {
    const owner = await funded();
    const member = await funded();
    const inv = await call(tg, "POST", `/auth/accounts/${owner.account.id}/invites`, {
      bearer: owner.access_token,
      body: { email: member.user.email },
    });
    expect(inv.body).toMatchObject({ joined: true });
    const switched = await call<Tokens>(tg, "POST", "/auth/refresh", {
      body: { refresh_token: member.refresh_token, account_id: owner.account.id },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.account).toMatchObject({ id: owner.account.id, role: "member" });
    const bal = await call<{ user_id: string }>(tg, "GET", "/billing/balance", {
      bearer: switched.body.access_token,
    });
    expect(bal.body.user_id).toBe(owner.account.id);

    const stranger = await funded();
    const refused = await call(tg, "POST", "/auth/refresh", {
      body: { refresh_token: switched.body.refresh_token, account_id: stranger.account.id },
    });
    expect(refused.status).toBe(403);
    // A refused switch changes nothing: the refresh token still works.
    const still = await call(tg, "POST", "/auth/refresh", {
      body: { refresh_token: switched.body.refresh_token },
    });
    expect(still.status).toBe(200);
  });

  test("the access token expires after JWT_ACCESS_TOKEN_EXPIRE_MINUTES", async () => {
    const t = await funded();
    expect(t.expires_in).toBe(15 * 60);
    setSystemTime(new Date(Date.now() + 14 * 60_000));
    expect((await status(t.access_token)).status).toBe(200);
    setSystemTime(new Date(Date.now() + 2 * 60_000));
    expect(await status(t.access_token)).toEqual({ status: 401, code: "token_expired" });
  });
});

describe("attacks on our own tokens", () => {
  test("alg none, HS/RS confusion, another key, tampered claims, wrong issuer or audience, missing claims: all 401", async () => {
    const victim = await funded();
    const attacker = await funded();
    const real = parts(attacker.access_token);
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...real.payload };
    const rsa = await generateKeyPair("RS256");
    const attempts: [string, string][] = [
      ["alg none", `${enc({ alg: "none", typ: "JWT" })}.${real.p}.`],
      ["alg none, original signature kept", `${enc({ alg: "none", typ: "JWT" })}.${real.p}.${real.s}`],
      [
        "RS256 signed with the attacker's own key",
        await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(rsa.privateKey),
      ],
      ["HS256 signed with another secret", await hs256(claims, "some-other-secret-0123456789abcdef")],
      [
        "acc claim changed to the victim's account, signature kept",
        `${real.h}.${enc({ ...claims, acc: victim.account.id })}.${real.s}`,
      ],
      [
        "sub changed to the victim, signature kept",
        `${real.h}.${enc({ ...claims, sub: victim.user.id })}.${real.s}`,
      ],
      ["exp extended, signature kept", `${real.h}.${enc({ ...claims, exp: now + 86_400 })}.${real.s}`],
      ["expired (right key)", await hs256({ ...claims, iat: now - 3600, exp: now - 60 }, SIGNING_KEY)],
      ["wrong issuer (right key)", await hs256({ ...claims, iss: "someone-else" }, SIGNING_KEY)],
      ["wrong audience (right key)", await hs256({ ...claims, aud: "another-api" }, SIGNING_KEY)],
      ["no session claim (right key)", await hs256({ ...claims, sid: undefined }, SIGNING_KEY)],
      ["no expiry (right key)", await hs256({ ...claims, exp: undefined }, SIGNING_KEY)],
      ["garbage", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln"],
    ];
    for (const [what, token] of attempts) {
      const r = await status(token);
      expect([what, r.status]).toEqual([what, 401]);
      const chat = await call(tg, "POST", "/v1/chat/completions", {
        bearer: token,
        body: { model: "gpt-test", messages: [{ role: "user", content: "hi" }] },
      });
      expect([what, chat.status]).toEqual([what, 401]);
    }
    // With the right key (it leaked), claims naming an account the user is not a member of still get nothing.
    const forged = await hs256({ ...claims, acc: victim.account.id }, SIGNING_KEY);
    expect(await status(forged)).toEqual({ status: 401, code: "access_revoked" });
    // Nothing was charged to the victim.
    const ledger = await tg.admin<{ data: { kind: string }[] }>(
      "GET",
      `/accounts/${victim.account.id}/ledger`,
    );
    expect(ledger.body.data.filter((e) => e.kind === "charge")).toHaveLength(0);
  });

  test("an admin's suspension holds for tokens as for keys: the membership's key, or the whole account", async () => {
    const t = await funded();
    const keys = await tg.admin<{ data: { id: string; name: string }[] }>("GET", "/keys");
    const key = keys.body.data.find((k) => k.name === `Sign-in: ${t.user.email}`)!;
    expect((await tg.admin("PATCH", `/keys/${key.id}`, { status: "suspended" })).status).toBe(200);
    expect(await status(t.access_token)).toEqual({ status: 401, code: "key_suspended" });
    await tg.admin("PATCH", `/keys/${key.id}`, { status: "active" });
    expect((await status(t.access_token)).status).toBe(200);
    expect((await tg.admin("PATCH", `/accounts/${t.account.id}`, { status: "suspended" })).status).toBe(200);
    expect(await status(t.access_token)).toEqual({ status: 403, code: "account_suspended" });
  });

  test("a removed member's token stops working on that account", async () => {
    const owner = await funded();
    const member = await funded();
    await call(tg, "POST", `/auth/accounts/${owner.account.id}/invites`, {
      bearer: owner.access_token,
      body: { email: member.user.email },
    });
    const there = await call<Tokens>(tg, "POST", "/auth/refresh", {
      body: { refresh_token: member.refresh_token, account_id: owner.account.id },
    });
    expect((await status(there.body.access_token)).status).toBe(200);
    const removed = await call(tg, "DELETE", `/auth/accounts/${owner.account.id}/members/${member.user.id}`, {
      bearer: owner.access_token,
    });
    expect(removed.status).toBe(200);
    expect(await status(there.body.access_token)).toEqual({ status: 401, code: "access_revoked" });
  });
});

describe("an external issuer (HS256 secret)", () => {
  const idp = (claims: Record<string, unknown>, secret = IDP_SECRET) =>
    hs256({ iss: IDP, aud: "tollgate", exp: Math.floor(Date.now() / 1000) + 300, ...claims }, secret);

  test("its tokens work and provision an account per subject on first use", async () => {
    const token = await idp({ sub: "ext-user-1" });
    const first = await call<{ user_id: string }>(tg, "GET", "/billing/balance", { bearer: token });
    expect(first.status).toBe(200);
    const again = await call<{ user_id: string }>(tg, "GET", "/billing/balance", {
      bearer: await idp({ sub: "ext-user-1", jti: "another" }),
    });
    expect(again.body.user_id).toBe(first.body.user_id);
    const accounts = await tg.admin<{ data: { id: string; name: string }[] }>("GET", "/accounts");
    expect(accounts.body.data.find((a) => a.id === first.body.user_id)?.name).toBe("external:ext-user-1");
    await tg.admin("POST", `/accounts/${first.body.user_id}/topups`, { amount: 1 });
    const chat = await tg.openai(token).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(chat.choices).toHaveLength(1);
    const me = await call(tg, "GET", "/auth/me", { bearer: token });
    expect(me.body).toMatchObject({
      auth: "external",
      user: { email: null },
      account: { id: first.body.user_id },
    });
  });

  test("wrong audience, wrong issuer, expired, another secret, RS256 and alg none are refused", async () => {
    const rsa = await generateKeyPair("RS256");
    const exp = Math.floor(Date.now() / 1000) + 300;
    const attempts: [string, string][] = [
      ["wrong audience", await idp({ sub: "x", aud: "other" })],
      ["wrong issuer", await idp({ sub: "x", iss: "https://evil.example/" })],
      ["expired", await idp({ sub: "x", exp: Math.floor(Date.now() / 1000) - 10 })],
      ["another secret", await idp({ sub: "x" }, "not-the-idp-secret-0123456789abcdef")],
      [
        "RS256 (the secret verifies HS256 only)",
        await new SignJWT({ sub: "x", iss: IDP, aud: "tollgate", exp })
          .setProtectedHeader({ alg: "RS256" })
          .sign(rsa.privateKey),
      ],
      ["alg none", `${enc({ alg: "none" })}.${enc({ sub: "x", iss: IDP, aud: "tollgate", exp })}.`],
      ["no subject", await idp({})],
    ];
    for (const [what, token] of attempts)
      expect([what, (await status(token, "/billing/balance")).status]).toEqual([what, 401]);
  });
});

describe("an external issuer (JWKS over loopback)", () => {
  test("RS256 tokens verified with the JWKS; HS256 signed with the public key, a foreign key with the same kid, and unknown subjects are refused", async () => {
    const good = await generateKeyPair("RS256", { extractable: true });
    const evil = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(good.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    const jwks = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ keys: [jwk] }) });
    const local = await TestGateway.start({
      config: standardConfig(
        mock.url,
        `
identity:
  external_jwt:
    issuer: "${IDP}"
    audience: [tollgate, other-api]
    jwks_url: http://127.0.0.1:${jwks.port}/jwks.json
    account_claim: org_id
`,
      ),
    });
    try {
      const exp = Math.floor(Date.now() / 1000) + 300;
      const sign = (key: CryptoKey, claims: Record<string, unknown> = {}) =>
        new SignJWT({ sub: "alice", org_id: "org-7", iss: IDP, aud: "tollgate", exp, ...claims })
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .sign(key);
      const get = (token: string) => call(local, "GET", "/billing/balance", { bearer: token });

      // Provisioning is off: an unknown organisation is refused until an admin links it.
      const unknown = await get(await sign(good.privateKey));
      expect(unknown.status).toBe(401);
      expect(unknown.body).toMatchObject({ error: { code: "unknown_subject" } });
      const acct = await local.account("org-7 team", 2);
      const link = await local.admin("POST", "/external-identities", { subject: "org-7", account_id: acct });
      expect(link.status).toBe(201);
      const ok = await get(await sign(good.privateKey));
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ user_id: acct });

      const publicJwk = JSON.stringify(jwk);
      const claims = { sub: "alice", org_id: "org-7", iss: IDP, aud: "tollgate", exp };
      const real = parts(await sign(good.privateKey));
      const attempts: [string, string][] = [
        ["a foreign key under the same kid", await sign(evil.privateKey)],
        ["HS256 with the public JWK as the secret", await hs256(claims, publicJwk, { kid: "k1" })],
        ["HS256 with the modulus as the secret", await hs256(claims, jwk.n!, { kid: "k1" })],
        ["wrong audience", await sign(good.privateKey, { aud: "nope" })],
        ["expired", await sign(good.privateKey, { exp: Math.floor(Date.now() / 1000) - 5 })],
        [
          "org claim tampered, signature kept",
          `${real.h}.${enc({ ...real.payload, org_id: "org-8" })}.${real.s}`,
        ],
        ["alg none", `${enc({ alg: "none", kid: "k1" })}.${real.p}.`],
      ];
      for (const [what, token] of attempts) expect([what, (await get(token)).status]).toEqual([what, 401]);

      // Unlinking revokes the subject's key.
      const list = await local.admin<{ data: { id: string }[] }>("GET", "/external-identities");
      await local.admin("DELETE", `/external-identities/${list.body.data[0]!.id}`);
      expect((await get(await sign(good.privateKey))).status).toBe(401);
    } finally {
      await local.stop();
      jwks.stop(true);
    }
  });

  test("an unreachable JWKS is a 503, not a 401", async () => {
    const gone = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const url = `http://127.0.0.1:${gone.port}/jwks.json`;
    gone.stop(true);
    const local = await TestGateway.start({
      config: standardConfig(
        mock.url,
        `identity: { external_jwt: { issuer: "${IDP}", audience: tollgate, jwks_url: "${url}" } }`,
      ),
    });
    try {
      const rsa = await generateKeyPair("RS256");
      const token = await new SignJWT({
        sub: "a",
        iss: IDP,
        aud: "tollgate",
        exp: Math.floor(Date.now() / 1000) + 60,
      })
        .setProtectedHeader({ alg: "RS256", kid: "k" })
        .sign(rsa.privateKey);
      const r = await call(local, "GET", "/billing/balance", { bearer: token });
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ error: { code: "issuer_unavailable" }, error_type: "service_error" });
    } finally {
      await local.stop();
    }
  });
});
