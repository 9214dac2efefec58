/**
 * Isolation, tried as an attacker would: every new route with another user's token, a
 * member's token on owner routes, an API key or an external token where a person is
 * needed, a user's token on the admin API, and the browser session cookie where only a
 * Bearer token may write.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, signIn, type Tokens } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

const IDP_SECRET = "idp-shared-secret-0123456789abcdefghij";

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let alice: Tokens;
let mallory: Tokens;
let member: Tokens;
let aliceInvite: string;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({
    config: standardConfig(
      mock.url,
      identityConfig(
        smtp,
        "open",
        `  external_jwt: { issuer: "https://idp.test/", audience: tollgate, secret: ${IDP_SECRET}, provision: true }`,
      ),
    ),
    // Loopback is the proxy: X-Forwarded-For names the attacker, whose address is limited apart from the test's.
    env: { TOLLGATE_TRUSTED_PROXIES: "127.0.0.1" },
  });
  alice = await signIn(tg, smtp, "alice@corp.example");
  mallory = await signIn(tg, smtp, "mallory@evil.example");
  member = await signIn(tg, smtp, "member@corp.example");
  await call(tg, "POST", `/auth/accounts/${alice.account.id}/invites`, {
    bearer: alice.access_token,
    body: { email: member.user.email },
  });
  const inv = await call<{ id: string }>(tg, "POST", `/auth/accounts/${alice.account.id}/invites`, {
    bearer: alice.access_token,
    body: { email: "pending@corp.example" },
  });
  aliceInvite = inv.body.id;
  // The member's token acting for Alice's account.
  const r = await call<Tokens>(tg, "POST", "/auth/refresh", {
    body: { refresh_token: member.refresh_token, account_id: alice.account.id },
  });
  member = r.body;
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});

/** Every team route of an account, with a body where it takes one. */
function teamRoutes(accountId: string, userId: string, inviteId: string): [string, string, unknown?][] {
  return [
    ["GET", `/auth/accounts/${accountId}/members`],
    ["POST", `/auth/accounts/${accountId}/invites`, { email: "x@evil.example" }],
    ["GET", `/auth/accounts/${accountId}/invites`],
    ["DELETE", `/auth/accounts/${accountId}/invites/${inviteId}`],
    ["PATCH", `/auth/accounts/${accountId}/members/${userId}`, { role: "owner" }],
    ["DELETE", `/auth/accounts/${accountId}/members/${userId}`],
  ];
}

describe("another user's account", () => {
  test("every team route on Alice's account with Mallory's token: 404, as if it did not exist", async () => {
    for (const [method, path, body] of teamRoutes(alice.account.id, member.user.id, aliceInvite)) {
      const r = await call(tg, method, path, { bearer: mallory.access_token, body });
      expect([method, path, r.status]).toEqual([method, path, 404]);
      expect(r.body).toMatchObject({ error: { code: "account_not_found" } });
    }
    // Nothing changed: the member is there, the invite open.
    const members = await call<{ data: { user_id: string }[] }>(
      tg,
      "GET",
      `/auth/accounts/${alice.account.id}/members`,
      {
        bearer: alice.access_token,
      },
    );
    expect(members.body.data.map((m) => m.user_id).sort()).toEqual([alice.user.id, member.user.id].sort());
    const invites = await call<{ data: { id: string; revoked_at: unknown }[] }>(
      tg,
      "GET",
      `/auth/accounts/${alice.account.id}/invites`,
      { bearer: alice.access_token },
    );
    expect(invites.body.data.find((i) => i.id === aliceInvite)?.revoked_at).toBeNull();
  });

  test("Alice's ids through Mallory's own account: 404 (an invite or a member of another account)", async () => {
    const viaOwn = await call(tg, "DELETE", `/auth/accounts/${mallory.account.id}/invites/${aliceInvite}`, {
      bearer: mallory.access_token,
    });
    expect(viaOwn.status).toBe(404);
    for (const method of ["PATCH", "DELETE"]) {
      const r = await call(tg, method, `/auth/accounts/${mallory.account.id}/members/${alice.user.id}`, {
        bearer: mallory.access_token,
        body: method === "PATCH" ? { role: "member" } : undefined,
      });
      expect([method, r.status]).toEqual([method, 404]);
    }
  });

  test("a member (not owner) on owner routes: 403; they may read members and leave", async () => {
    for (const [method, path, body] of teamRoutes(alice.account.id, alice.user.id, aliceInvite).slice(1)) {
      const r = await call(tg, method, path, { bearer: member.access_token, body });
      expect([method, path, r.status]).toEqual([method, path, 403]);
    }
    const promote = await call(tg, "PATCH", `/auth/accounts/${alice.account.id}/members/${member.user.id}`, {
      bearer: member.access_token,
      body: { role: "owner" },
    });
    expect(promote.status).toBe(403);
    const read = await call(tg, "GET", `/auth/accounts/${alice.account.id}/members`, {
      bearer: member.access_token,
    });
    expect(read.status).toBe(200);
  });

  test("the last owner cannot leave or be demoted", async () => {
    const leave = await call(
      tg,
      "DELETE",
      `/auth/accounts/${mallory.account.id}/members/${mallory.user.id}`,
      {
        bearer: mallory.access_token,
      },
    );
    expect(leave.status).toBe(409);
    const demote = await call(
      tg,
      "PATCH",
      `/auth/accounts/${mallory.account.id}/members/${mallory.user.id}`,
      {
        bearer: mallory.access_token,
        body: { role: "member" },
      },
    );
    expect(demote.status).toBe(409);
  });

  test("refresh into Alice's account with Mallory's refresh token: 403", async () => {
    const r = await call(tg, "POST", "/auth/refresh", {
      body: { refresh_token: mallory.refresh_token, account_id: alice.account.id },
    });
    expect(r.status).toBe(403);
    const mine = await call<{ data: { id: string }[] }>(tg, "GET", "/auth/accounts", {
      bearer: mallory.access_token,
    });
    expect(mine.body.data.map((a) => a.id)).toEqual([mallory.account.id]);
  });
});

describe("credentials that are not a signed-in person", () => {
  test("an API key and an external token on the team routes and /auth/accounts: 403 user_token_required", async () => {
    const key = await tg.key(alice.account.id);
    const external = await new SignJWT({ sub: "svc-1", iss: "https://idp.test/", aud: "tollgate" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(IDP_SECRET));
    for (const token of [key.key, external]) {
      for (const [method, path, body] of [
        ...teamRoutes(alice.account.id, member.user.id, aliceInvite),
        ["GET", "/auth/accounts"] as [string, string],
        ["POST", "/auth/session"] as [string, string],
      ]) {
        const r = await call(tg, method, path, { bearer: token, body });
        expect([method, path, r.status]).toEqual([method, path, 403]);
      }
    }
  });

  test("a user's access token on every admin route: 401", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", "/identity"],
      ["PUT", "/identity/signup", { mode: "open" }],
      ["GET", "/users"],
      ["POST", "/users", { email: "x@evil.example" }],
      ["GET", `/users/${alice.user.id}`],
      ["PATCH", `/users/${alice.user.id}`, { status: "disabled" }],
      ["DELETE", `/users/${alice.user.id}/sessions`],
      ["GET", "/invites"],
      ["POST", "/invites", { email: "x@evil.example" }],
      ["DELETE", `/invites/${aliceInvite}`],
      ["GET", `/accounts/${alice.account.id}/members`],
      ["POST", `/accounts/${alice.account.id}/members`, { email: mallory.user.email, role: "owner" }],
      ["DELETE", `/accounts/${alice.account.id}/members/${alice.user.id}`],
      ["GET", "/outbox"],
      ["GET", "/external-identities"],
      ["POST", "/external-identities", { subject: "x", account_id: alice.account.id }],
      ["DELETE", "/external-identities/ext_x"],
      ["GET", "/plans"],
      ["POST", "/plans", { id: "evil", name: "Evil" }],
      ["PATCH", "/plans/evil", { name: "x" }],
      ["DELETE", "/plans/evil"],
      ["GET", `/accounts/${alice.account.id}/plan`],
      ["PUT", `/accounts/${mallory.account.id}/plan`, { plan_id: null }],
    ];
    const statuses: number[] = [];
    for (const [method, path, body] of routes) {
      const r = await call(tg, method, `/admin/api${path}`, {
        bearer: mallory.access_token,
        body,
        headers: { "x-forwarded-for": "198.51.100.66" },
      });
      statuses.push(r.status);
    }
    // Wrong admin Bearer tokens are limited per client address: after 10, 429 instead of 401.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    // None of it took effect.
    const users = await tg.admin<{ data: { email: string; status: string }[] }>("GET", "/users");
    expect(users.body.data.find((u) => u.email === alice.user.email)?.status).toBe("active");
    expect(users.body.data.some((u) => u.email === "x@evil.example")).toBe(false);
    expect((await tg.admin("GET", "/plans/evil")).status).toBe(404);
  });
});

describe("the browser session cookie", () => {
  test("reads /auth/me; never writes: team routes need Bearer, a cross-site DELETE /auth/session is refused", async () => {
    const opened = await fetch(`${tg.url}/auth/session`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.access_token}` },
    });
    expect(opened.status).toBe(200);
    const cookie = opened.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^tollgate_user=us_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/);
    const jar = { cookie: cookie.split(";")[0]! };
    const me = await call(tg, "GET", "/auth/me", { headers: jar });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email: alice.user.email }, auth: "session" });

    const write = await call(tg, "POST", `/auth/accounts/${alice.account.id}/invites`, {
      headers: jar,
      body: { email: "csrf@evil.example" },
    });
    expect(write.status).toBe(401);
    const crossSite = await call(tg, "DELETE", "/auth/session", {
      headers: { ...jar, origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await call(tg, "DELETE", "/auth/session", {
      headers: { ...jar, origin: tg.url },
    });
    expect(sameSite.body).toEqual({ revoked: true });
    expect((await call(tg, "GET", "/auth/me", { headers: jar })).status).toBe(401);
  });
});
