import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ADMIN_TOKEN, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  mock = new MockOpenAI().start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: { TOLLGATE_ADMIN_USER: "root", TOLLGATE_ADMIN_PASSWORD: PASSWORD },
  });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});

/** A browser-like call: same-origin Origin header on writes, the cookie when given. */
function call(
  path: string,
  init: { method?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
) {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  if (method !== "GET" && !("origin" in headers)) headers.origin = tg.url;
  if (init.cookie) headers.cookie = init.cookie;
  return fetch(`${tg.url}/admin/api${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function signIn(body: unknown, headers: Record<string, string> = {}) {
  const res = await call("/auth/login", { method: "POST", body, headers });
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { res, setCookie, cookie: setCookie.split(";")[0]! };
}

describe("admin sign-in and sessions", () => {
  test("the first admin user comes from TOLLGATE_ADMIN_USER; the cookie is HttpOnly, SameSite=Strict, Path=/admin", async () => {
    const { res, setCookie, cookie } = await signIn({ username: "root", password: PASSWORD });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ via: "password", user: { username: "root" } });
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
    expect(setCookie).toMatch(/^tollgate_session=[\w-]{20,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/admin");
    expect(setCookie).not.toContain("Secure");
    const me = await call("/auth/me", { cookie });
    expect(await me.json()).toMatchObject({ via: "password", user: { username: "root" } });
    const accounts = await call("/accounts", { cookie });
    expect(accounts.status).toBe(200);
  });

  test("behind an https proxy the cookie is Secure", async () => {
    const { setCookie } = await signIn({ token: ADMIN_TOKEN }, { "x-forwarded-proto": "https" });
    expect(setCookie).toContain("Secure");
  });

  test("wrong password, unknown user and wrong token are 401 without a cookie", async () => {
    for (const body of [
      { username: "root", password: "wrong password!" },
      { username: "nobody", password: PASSWORD },
      { token: "not-the-admin-token" },
    ]) {
      const { res, setCookie } = await signIn(body, { "x-forwarded-for": "ignored" });
      expect(res.status).toBe(401);
      expect(setCookie).toBe("");
      expect((await res.json()).error.code).toBe("invalid_credentials");
    }
    const bad = await signIn({ username: "root" });
    expect(bad.res.status).toBe(400);
  });

  test("cookie-authenticated writes need our Origin; reads and Bearer scripts do not", async () => {
    const { cookie } = await signIn({ token: ADMIN_TOKEN });
    const foreign = await call("/accounts", {
      method: "POST",
      body: { name: "from-evil" },
      cookie,
      headers: { origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe("origin_mismatch");
    const noOrigin = await fetch(`${tg.url}/admin/api/accounts`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "no-origin" }),
    });
    expect(noOrigin.status).toBe(403);
    const fetchMeta = await fetch(`${tg.url}/admin/api/accounts`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ name: "fetch-metadata" }),
    });
    expect(fetchMeta.status).toBe(201);
    const same = await call("/accounts", { method: "POST", body: { name: "same-origin" }, cookie });
    expect(same.status).toBe(201);
    const script = await tg.admin("POST", "/accounts", { name: "script" });
    expect(script.status).toBe(201);
    expect((await tg.admin("GET", "/auth/me")).body).toMatchObject({ via: "bearer" });
  });

  test("X-Forwarded-Host is believed from a trusted proxy only (TOLLGATE_TRUSTED_PROXIES)", async () => {
    const forged = { origin: "https://evil.example", "x-forwarded-host": "evil.example" };
    const { cookie } = await signIn({ token: ADMIN_TOKEN });
    // No trusted proxies here: anyone's X-Forwarded-Host is just a header.
    const write = await call("/accounts", {
      method: "POST",
      body: { name: "forged" },
      cookie,
      headers: forged,
    });
    expect(write.status).toBe(403);
    expect((await write.json()).error.code).toBe("origin_mismatch");
    expect((await signIn({ token: ADMIN_TOKEN }, forged)).res.status).toBe(403);
    const proxied = await TestGateway.start({
      config: standardConfig(mock.url),
      env: { TOLLGATE_TRUSTED_PROXIES: "127.0.0.1" },
    });
    try {
      const viaProxy = { origin: "https://admin.example.com", "x-forwarded-host": "admin.example.com" };
      const login = await fetch(`${proxied.url}/admin/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", ...viaProxy },
        body: JSON.stringify({ token: ADMIN_TOKEN }),
      });
      expect(login.status).toBe(200);
      const proxiedCookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
      const created = await fetch(`${proxied.url}/admin/api/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: proxiedCookie, ...viaProxy },
        body: JSON.stringify({ name: "via-proxy" }),
      });
      expect(created.status).toBe(201);
    } finally {
      await proxied.stop();
    }
  });

  test("sign-out ends the session: the same cookie is refused afterwards", async () => {
    const { cookie } = await signIn({ token: ADMIN_TOKEN });
    expect((await call("/auth/me", { cookie })).status).toBe(200);
    const out = await call("/auth/logout", { method: "POST", cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    const after = await call("/keys", { cookie });
    expect(after.status).toBe(401);
    expect((await after.json()).error.code).toBe("invalid_admin_token");
  });

  test("a wrong Bearer is 401 even with a valid cookie", async () => {
    const { cookie } = await signIn({ token: ADMIN_TOKEN });
    const res = await call("/accounts", { cookie, headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
  });

  test("admin users over the API: create, sign in, delete ends their sessions", async () => {
    const created = await tg.admin<{ id: string }>("POST", "/admins", {
      username: "ops",
      password: "another long pw",
    });
    expect(created.status).toBe(201);
    const weak = await tg.admin("POST", "/admins", { username: "weak", password: "short" });
    expect(weak.status).toBe(400);
    const dup = await tg.admin("POST", "/admins", { username: "ops", password: "another long pw" });
    expect(dup.status).toBe(409);
    const { cookie } = await signIn({ username: "ops", password: "another long pw" });
    expect((await call("/auth/me", { cookie })).status).toBe(200);
    expect((await tg.admin("DELETE", `/admins/${created.body.id}`)).status).toBe(200);
    expect((await call("/auth/me", { cookie })).status).toBe(401);
  });

  // Last: it exhausts this address's sign-in budget.
  test("sign-in attempts are rate limited per address: after 10 failures even the right password waits", async () => {
    let limited: Response | null = null;
    for (let i = 0; i < 12 && !limited; i++) {
      const { res } = await signIn({ username: "root", password: `guess-${i}-xxxxxx` });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    const right = await signIn({ username: "root", password: PASSWORD });
    expect(right.res.status).toBe(429);
    expect((await right.res.json()).error.code).toBe("sign_in_rate_limited");
    // Scripts with the Bearer token are not affected.
    expect((await tg.admin("GET", "/accounts")).status).toBe(200);
  });
});
