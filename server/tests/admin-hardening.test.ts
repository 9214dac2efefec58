/**
 * The admin side under attack: parallel password guesses, guessed Bearer tokens, anonymous
 * probes of the schemas, a panel session that tries to walk off with the provider key,
 * secrets at rest, a rotated admin token, and the observability endpoints.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ADMIN_TOKEN, PROVIDER_SECRET, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
beforeAll(() => {
  mock = new MockOpenAI().start();
});
afterAll(() => mock.stop());

const PASSWORD = "correct horse battery";
const ADMIN_ENV = { TOLLGATE_ADMIN_USER: "root", TOLLGATE_ADMIN_PASSWORD: PASSWORD };

/** A gateway of its own (the sign-in limits are per process), stopped after `use`. */
async function withOwn(env: Record<string, string>, use: (tg: TestGateway) => Promise<void>, dir?: string) {
  const tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: { ...ADMIN_ENV, ...env },
    dir,
  });
  try {
    await use(tg);
  } finally {
    await tg.stop();
  }
}

function signIn(tg: TestGateway, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${tg.url}/admin/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: tg.url, ...headers },
    body: JSON.stringify(body),
  });
}

const bearer = (tg: TestGateway, token: string, headers: Record<string, string> = {}) =>
  fetch(`${tg.url}/admin/api/accounts`, { headers: { authorization: `Bearer ${token}`, ...headers } });

describe("sign-in and Bearer rate limits", () => {
  test("60 parallel password guesses: at most 10 are checked, the rest get 429", async () => {
    await withOwn({}, async (tg) => {
      const guesses = Array.from({ length: 60 }, (_, i) => `wrong-guess-${i}-xxxx`);
      guesses[55] = PASSWORD;
      const statuses = await Promise.all(
        guesses.map((password) => signIn(tg, { username: "root", password }).then((r) => r.status)),
      );
      const checked = statuses.filter((s) => s !== 429);
      expect(checked.length).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50);
      // A right password given back its attempt: it did not count as a failure.
      if (statuses[55] === 200) expect(checked.filter((s) => s === 401).length).toBeLessThan(10);
    });
  });

  test("a successful sign-in does not use up the budget", async () => {
    await withOwn({}, async (tg) => {
      for (let i = 0; i < 11; i++)
        expect((await signIn(tg, { username: "root", password: PASSWORD })).status).toBe(200);
    });
  });

  test("wrong Bearer tokens are limited per address too: after 10, even the right one waits; sign-in is separate", async () => {
    await withOwn({}, async (tg) => {
      for (let i = 0; i < 10; i++) expect((await bearer(tg, `tga_guess_${i}_xxxxxxxxxxxx`)).status).toBe(401);
      const limited = await bearer(tg, ADMIN_TOKEN);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("sign_in_rate_limited");
      expect((await signIn(tg, { username: "root", password: PASSWORD })).status).toBe(200);
    });
  });

  test("X-Forwarded-For counts only from a trusted proxy (TOLLGATE_TRUSTED_PROXIES)", async () => {
    const guess = (tg: TestGateway, client: string, i: number) =>
      signIn(tg, { username: "root", password: `guess-${i}-xxxxxxx` }, { "x-forwarded-for": client }).then(
        (r) => r.status,
      );
    await withOwn({ TOLLGATE_TRUSTED_PROXIES: "127.0.0.1, ::1" }, async (tg) => {
      for (let i = 0; i < 10; i++) expect(await guess(tg, "203.0.113.5", i)).toBe(401);
      expect(await guess(tg, "203.0.113.5", 10)).toBe(429);
      // Another client behind the same proxy has its own budget...
      expect(await guess(tg, "203.0.113.6", 11)).toBe(401);
      // ...and a client cannot pose as a proxy: the address left of a trusted hop is the client.
      expect(await guess(tg, "203.0.113.5, 127.0.0.1", 12)).toBe(429);
    });
    await withOwn({}, async (tg) => {
      // Not trusted: the header is anyone's to write, every guess counts for the peer.
      for (let i = 0; i < 10; i++) expect(await guess(tg, `198.51.100.${i}`, i)).toBe(401);
      expect(await guess(tg, "198.51.100.99", 10)).toBe(429);
    });
  });
});

describe("admin routes authenticate before they parse or validate", () => {
  test("anonymous requests get 401, never the schema; the sign-in route stays open", async () => {
    await withOwn({}, async (tg) => {
      const cases: [string, string, string | undefined][] = [
        ["POST", "/admin/api/accounts", "{}"],
        ["POST", "/admin/api/accounts", "{bad"],
        ["GET", "/admin/api/requests?limit=abc", undefined],
        ["PATCH", "/admin/api/models/gpt-test", '{"enabled":"maybe"}'],
        ["GET", "/admin/api/no-such-route", undefined],
      ];
      for (const [method, path, body] of cases) {
        const res = await fetch(`${tg.url}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body,
        });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_admin_token");
      }
      const login = await signIn(tg, { username: "root", password: "wrong password" });
      expect(login.status).toBe(401);
      expect(((await login.json()) as { error: { code: string } }).error.code).toBe("invalid_credentials");
      // With the token, validation speaks as before.
      const invalid = await tg.admin("POST", "/accounts", {});
      expect(invalid.status).toBe(400);
    });
  });
});

describe("provider credentials", () => {
  test("moving a provider to another host needs the API key (and headers) again", async () => {
    await withOwn({}, async (tg) => {
      const made = await tg.admin("POST", "/providers", {
        id: "movable",
        kind: "openai",
        base_url: mock.url,
        api_key: "sk-movable-secret-123456",
        headers: { "x-api-key": "movable-header-secret" },
      });
      expect(made.status).toBe(201);
      const elsewhere = "http://127.0.0.2:9/v1";
      const noKey = await tg.admin<{ error: { param: string } }>("PATCH", "/providers/movable", {
        base_url: elsewhere,
      });
      expect(noKey.status).toBe(400);
      expect(noKey.body.error.param).toBe("api_key");
      const noHeaders = await tg.admin<{ error: { param: string } }>("PATCH", "/providers/movable", {
        base_url: elsewhere,
        api_key: "sk-another-key-000000",
      });
      expect(noHeaders.status).toBe(400);
      expect(noHeaders.body.error.param).toBe("headers");
      // Still the old host: nothing changed.
      expect((await tg.admin<{ base_url: string }>("GET", "/providers/movable")).body.base_url).toBe(
        mock.url,
      );
      const moved = await tg.admin("PATCH", "/providers/movable", {
        base_url: elsewhere,
        api_key: null,
        headers: {},
      });
      expect(moved.status).toBe(200);
      // Another path on the same host keeps the credentials.
      const samehost = await tg.admin("PATCH", "/providers/mock", { base_url: `${mock.url}/` });
      expect(samehost.status).toBe(200);
      const bad = await tg.admin("POST", "/providers", {
        id: "js",
        kind: "openai",
        base_url: "javascript:alert(1)",
      });
      expect(bad.status).toBe(400);
    });
  });

  test("header values are encrypted at rest, sent upstream, scrubbed from errors; old clear rows are sealed at start", async () => {
    const headerSecret = "hdr-secret-value-123456";
    const tg = await TestGateway.start({ config: standardConfig(mock.url), env: ADMIN_ENV });
    const dir = tg.dir;
    try {
      expect(
        (await tg.admin("PATCH", "/providers/mock", { headers: { "x-api-key": headerSecret } })).status,
      ).toBe(200);
      const row = await tg.sqlRow<{ headers: string; headers_enc: string }>(
        "SELECT headers, headers_enc FROM providers WHERE id = 'mock'",
      );
      expect(JSON.parse(row.headers)).toEqual({});
      expect(row.headers_enc.startsWith("v1:")).toBe(true);
      expect(row.headers_enc).not.toContain(headerSecret);
      const c = await tg.client(10);
      mock.reset();
      await c.openai.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(mock.received[0]?.headers["x-api-key"]).toBe(headerSecret);
      mock.next({ status: 400, errorBody: { error: { message: `rejected header ${headerSecret}` } } });
      const err = await c.openai.chat.completions
        .create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] })
        .catch((e: Error) => e);
      expect(String((err as Error).message)).toContain("[redacted]");
      expect(String((err as Error).message)).not.toContain(headerSecret);
      // A row from before encryption: headers in the clear.
      await tg.sql(
        "UPDATE providers SET headers = ?, headers_enc = NULL WHERE id = 'mock'",
        JSON.stringify({ "x-api-key": "legacy-clear-header-42" }),
      );
    } finally {
      await tg.stop();
    }
    await withOwn(
      {},
      async (again) => {
        const row = await again.sqlRow<{ headers: string; headers_enc: string }>(
          "SELECT headers, headers_enc FROM providers WHERE id = 'mock'",
        );
        expect(row.headers).not.toContain("legacy-clear-header-42");
        expect(row.headers_enc).not.toContain("legacy-clear-header-42");
        const c = await again.client(10);
        mock.reset();
        await c.openai.chat.completions.create({
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
        });
        expect(mock.received[0]?.headers["x-api-key"]).toBe("legacy-clear-header-42");
        expect(mock.received[0]?.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET}`);
      },
      dir,
    );
  });
});

describe("sessions opened with the admin token", () => {
  test("end when TOLLGATE_ADMIN_TOKEN changes; password sessions stay", async () => {
    const me = (tg: TestGateway, cookie: string) =>
      fetch(`${tg.url}/admin/api/auth/me`, { headers: { cookie } }).then((r) => r.status);
    const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    let dir = "";
    let tokenCookie = "";
    let userCookie = "";
    await withOwn({}, async (tg) => {
      dir = tg.dir;
      tokenCookie = cookieOf(await signIn(tg, { token: ADMIN_TOKEN }));
      userCookie = cookieOf(await signIn(tg, { username: "root", password: PASSWORD }));
      expect(await me(tg, tokenCookie)).toBe(200);
    });
    // Same token after a restart: the session lives on.
    await withOwn({}, async (tg) => expect(await me(tg, tokenCookie)).toBe(200), dir);
    await withOwn(
      { TOLLGATE_ADMIN_TOKEN: "a-rotated-admin-token-0987654321" },
      async (tg) => {
        expect(await me(tg, tokenCookie)).toBe(401);
        expect(await me(tg, userCookie)).toBe(200);
      },
      dir,
    );
  });
});

describe("observability endpoints", () => {
  test("with TOLLGATE_OBSERVABILITY_TOKEN, /metrics and the detailed health routes need it; /health and /ready stay open", async () => {
    const token = "observability-token-123456";
    await withOwn({ TOLLGATE_OBSERVABILITY_TOKEN: token }, async (tg) => {
      for (const path of ["/health", "/ready"]) expect((await fetch(`${tg.url}${path}`)).status).toBe(200);
      for (const path of [
        "/metrics",
        "/health/detailed",
        "/health/system",
        "/health/history",
        "/health/circuit-breakers",
      ]) {
        const anon = await fetch(`${tg.url}${path}`);
        expect(anon.status).toBe(401);
        expect(await anon.text()).not.toContain("mock");
        expect(
          (await fetch(`${tg.url}${path}`, { headers: { authorization: "Bearer wrong-token-xxxxxxxx" } }))
            .status,
        ).toBe(401);
        expect(
          (await fetch(`${tg.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status,
        ).toBe(200);
      }
    });
    await withOwn({}, async (tg) => {
      expect((await fetch(`${tg.url}/metrics`)).status).toBe(200);
    });
  });
});
