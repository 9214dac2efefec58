/**
 * The user portal's routes (/auth/accounts/:id, keys, usage, ledger): a user issues a key
 * and calls the API with it; then every route tried as an attacker would: another user's
 * token and cookie, a member on the owner's writes, an API key, a cookie from another
 * site, a membership key's id, and the admin's read-only mirror.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, signIn, type Tokens } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let alice: Tokens;
let mallory: Tokens;
let member: Tokens;

type KeyView = { id: string; name: string; status: string; spend_limit: number | null };

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({ config: standardConfig(mock.url, identityConfig(smtp, "open")) });
  alice = await signIn(tg, smtp, "alice@corp.example");
  mallory = await signIn(tg, smtp, "mallory@evil.example");
  member = await signIn(tg, smtp, "member@corp.example");
  await call(tg, "POST", `/auth/accounts/${alice.account.id}/invites`, {
    bearer: alice.access_token,
    body: { email: member.user.email },
  });
  await tg.admin("POST", `/accounts/${alice.account.id}/topups`, { amount: 50 });
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});

/** A browser session cookie for a user (what the portal's sign-in ends with). */
async function cookieOf(t: Tokens): Promise<Record<string, string>> {
  const r = await fetch(`${tg.url}/auth/session`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.access_token}` },
  });
  return { cookie: r.headers.get("set-cookie")!.split(";")[0]! };
}

const keysOf = async (t: Tokens, accountId: string) =>
  (await call<{ data: KeyView[] }>(tg, "GET", `/auth/accounts/${accountId}/keys`, { bearer: t.access_token }))
    .body.data;

describe("an owner in the portal", () => {
  test("issues a key, calls the API with it, sees it in usage and the ledger, revokes it", async () => {
    const acc = alice.account.id;
    const issued = await call<KeyView & { key: string }>(tg, "POST", `/auth/accounts/${acc}/keys`, {
      bearer: alice.access_token,
      body: { name: "laptop", spend_limit: "5", budget_period: "monthly" },
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ name: "laptop", spend_limit: 5, status: "active" });
    expect(issued.body.key).toStartWith("sk-tg-");

    const chat = await tg.openai(issued.body.key).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(chat.choices[0]?.message.content).toBeTruthy();

    // Only the issued key: the members' own sign-in keys are not the account's to manage.
    expect((await keysOf(alice, acc)).map((k) => k.name)).toEqual(["laptop"]);

    let usage: { daily: { requests: number; spend: number }[] } = { daily: [] };
    for (let i = 0; i < 50 && !usage.daily.length; i++) {
      usage = (
        await call<typeof usage>(tg, "GET", `/auth/accounts/${acc}/usage?days=7`, {
          bearer: alice.access_token,
        })
      ).body;
      if (!usage.daily.length) await Bun.sleep(20);
    }
    expect(usage.daily.reduce((n, d) => n + d.requests, 0)).toBe(1);

    const ledger = await call<{ data: { kind: string }[]; total: number }>(
      tg,
      "GET",
      `/auth/accounts/${acc}/ledger?limit=10`,
      { bearer: alice.access_token },
    );
    expect(ledger.body.data.map((e) => e.kind)).toContain("topup");
    expect(ledger.body.data.map((e) => e.kind)).toContain("charge");

    const summary = await call<{ account: { role: string; balance: number }; today: { requests: number } }>(
      tg,
      "GET",
      `/auth/accounts/${acc}`,
      { bearer: alice.access_token },
    );
    expect(summary.body.account.role).toBe("owner");
    expect(summary.body.today.requests).toBe(1);
    expect(summary.body.account.balance).toBeLessThan(50);

    const revoked = await call<KeyView>(tg, "DELETE", `/auth/accounts/${acc}/keys/${issued.body.id}`, {
      bearer: alice.access_token,
    });
    expect(revoked.body.status).toBe("revoked");
    const after = await fetch(`${tg.url}/v1/models`, {
      headers: { authorization: `Bearer ${issued.body.key}` },
    });
    expect(after.status).toBe(401);
  });

  test("a membership key's id is not a key to revoke: 404, and the member still signs in", async () => {
    const members = await tg.admin<{ data: { user_id: string }[] }>(
      "GET",
      `/accounts/${alice.account.id}/members`,
    );
    expect(members.body.data.length).toBe(2);
    const admins = await tg.admin<{ data: { id: string; name: string }[] }>(
      "GET",
      `/keys?account_id=${alice.account.id}`,
    );
    const signInKey = admins.body.data.find((k) => k.name === `Sign-in: ${member.user.email}`)!;
    const r = await call(tg, "DELETE", `/auth/accounts/${alice.account.id}/keys/${signInKey.id}`, {
      bearer: alice.access_token,
    });
    expect(r.status).toBe(404);
    expect((await call(tg, "GET", "/auth/me", { bearer: member.access_token })).status).toBe(200);
  });
});

/** Every portal route of an account, with a body where it takes one. */
const portalRoutes = (accountId: string, keyId: string): [string, string, unknown?][] => [
  ["GET", `/auth/accounts/${accountId}`],
  ["GET", `/auth/accounts/${accountId}/keys`],
  ["POST", `/auth/accounts/${accountId}/keys`, { name: "evil" }],
  ["DELETE", `/auth/accounts/${accountId}/keys/${keyId}`],
  ["GET", `/auth/accounts/${accountId}/usage`],
  ["GET", `/auth/accounts/${accountId}/ledger`],
];

describe("isolation", () => {
  let victimKey: string;
  beforeAll(async () => {
    const r = await call<KeyView>(tg, "POST", `/auth/accounts/${alice.account.id}/keys`, {
      bearer: alice.access_token,
      body: { name: "victim" },
    });
    victimKey = r.body.id;
  });
  const victimStillActive = async () =>
    expect((await keysOf(alice, alice.account.id)).find((k) => k.id === victimKey)?.status).toBe("active");

  test("Mallory's token and Mallory's cookie on every route of Alice's account: 404, nothing changed", async () => {
    const jar = await cookieOf(mallory);
    for (const [method, path, body] of portalRoutes(alice.account.id, victimKey)) {
      const byToken = await call(tg, method, path, { bearer: mallory.access_token, body });
      expect([method, path, byToken.status]).toEqual([method, path, 404]);
      expect(byToken.body).toMatchObject({ error: { code: "account_not_found" } });
      const byCookie = await call(tg, method, path, { headers: { ...jar, origin: tg.url }, body });
      expect([method, path, byCookie.status]).toEqual([method, path, 404]);
    }
    // Alice's key through Mallory's own account.
    const via = await call(tg, "DELETE", `/auth/accounts/${mallory.account.id}/keys/${victimKey}`, {
      bearer: mallory.access_token,
    });
    expect(via.status).toBe(404);
    expect((await keysOf(alice, alice.account.id)).some((k) => k.name === "evil")).toBe(false);
    await victimStillActive();
  });

  test("a member reads the account but issues and revokes nothing: 403", async () => {
    const [summary, keys, issue, revoke, usage, ledger] = portalRoutes(alice.account.id, victimKey);
    for (const [method, path] of [summary!, keys!, usage!, ledger!])
      expect([path, (await call(tg, method, path, { bearer: member.access_token })).status]).toEqual([
        path,
        200,
      ]);
    for (const [method, path, body] of [issue!, revoke!]) {
      const r = await call(tg, method, path, { bearer: member.access_token, body });
      expect([method, r.status]).toEqual([method, 403]);
      expect(r.body).toMatchObject({ error: { code: "owner_required" } });
    }
    await victimStillActive();
  });

  test("an API key of the account: 403 user_token_required; no credentials: 401", async () => {
    const k = await call<{ key: string }>(tg, "POST", `/auth/accounts/${alice.account.id}/keys`, {
      bearer: alice.access_token,
      body: { name: "script" },
    });
    for (const [method, path, body] of portalRoutes(alice.account.id, victimKey)) {
      const r = await call(tg, method, path, { bearer: k.body.key, body });
      expect([method, path, r.status]).toEqual([method, path, 403]);
      const anon = await call(tg, method, path, { body });
      expect([method, path, anon.status]).toEqual([method, path, 401]);
    }
    await victimStillActive();
  });

  test("Alice's cookie: reads, and writes from our own pages; a cross-site write is refused", async () => {
    const jar = await cookieOf(alice);
    const path = `/auth/accounts/${alice.account.id}/keys`;
    expect((await call(tg, "GET", path, { headers: jar })).status).toBe(200);
    expect((await call(tg, "GET", "/auth/accounts", { headers: jar })).status).toBe(200);
    const crossSite = await call(tg, "POST", path, {
      headers: { ...jar, origin: "https://evil.example" },
      body: { name: "csrf" },
    });
    expect(crossSite.status).toBe(403);
    const noOrigin = await call(tg, "DELETE", `${path}/${victimKey}`, { headers: jar });
    expect(noOrigin.status).toBe(403);
    await victimStillActive();
    const own = await call(tg, "POST", path, {
      headers: { ...jar, origin: tg.url },
      body: { name: "from the page" },
    });
    expect(own.status).toBe(201);
  });

  test("the admin's mirror reads the same views; a user's token there is 401", async () => {
    const mirror = await tg.admin<{ data: KeyView[] }>("GET", `/portal/accounts/${alice.account.id}/keys`);
    expect(mirror.body.data).toEqual(await keysOf(alice, alice.account.id));
    const summary = await tg.admin<{ account: { id: string; role: null } }>(
      "GET",
      `/portal/accounts/${alice.account.id}`,
    );
    expect(summary.body.account).toMatchObject({ id: alice.account.id, role: null });
    for (const sub of ["", "/keys", "/usage", "/ledger"]) {
      const r = await call(tg, "GET", `/admin/api/portal/accounts/${alice.account.id}${sub}`, {
        bearer: alice.access_token,
      });
      expect([sub, r.status]).toEqual([sub, 401]);
    }
    expect((await tg.admin("GET", "/portal/accounts/acc_missing")).status).toBe(404);
  });
});

describe("members in the portal", () => {
  test("the cookie reads the members of one's own account; Mallory's cookie gets 404; writes stay Bearer-only", async () => {
    const path = `/auth/accounts/${alice.account.id}/members`;
    const own = await call<{ data: { email: string; role: string }[] }>(tg, "GET", path, {
      headers: await cookieOf(member),
    });
    expect(own.status).toBe(200);
    expect(own.body.data.map((m) => m.email).sort()).toEqual([alice.user.email, member.user.email].sort());
    const foreign = await call(tg, "GET", path, { headers: await cookieOf(mallory) });
    expect(foreign.status).toBe(404);
    const write = await call(tg, "POST", `/auth/accounts/${alice.account.id}/invites`, {
      headers: { ...(await cookieOf(alice)), origin: tg.url },
      body: { email: "cookie@corp.example" },
    });
    expect(write.status).toBe(401);
  });
});
