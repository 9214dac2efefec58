/**
 * Plans over HTTP: limits at their exact boundaries (and across a UTC day or minute
 * change, the clock set with setSystemTime), the 429 in each surface's own shape naming
 * the limit, tokens per day, concurrency, allowed models, the price multiplier charged
 * exactly, the monthly fee as a ledger entry with its fallback, the admin API, and the
 * LLM Gateway reference's global limit, /health/monitoring and balance gauge.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, setSystemTime, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { parseConfig } from "../config/load.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, signIn } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

const PLANS = `
plans:
  - { id: free, name: Free, default: true, requests_per_day: 20 }
  - { id: pro, name: Pro, requests_per_day: 500, monthly_fee: 990 }
  - { id: xrouter-free, name: XRouter Free, requests_per_minute: 20, requests_per_day: 200 }
  - id: tight
    name: Tight
    requests_per_minute: 3
    tokens_per_day: 100
    concurrent_requests: 1
    models: [gpt-test]
    price_multiplier: 1.5
`;

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let n = 0;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({ config: standardConfig(mock.url, `${identityConfig(smtp)}${PLANS}`) });
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});
beforeEach(() => mock.reset());
afterEach(() => setSystemTime());

const hi = { model: "gpt-test", messages: [{ role: "user", content: "hi" }] };
const chat = (token: string) =>
  call<Record<string, unknown>>(tg, "POST", "/v1/chat/completions", { bearer: token, body: hi });

/** An account on `plan` with a key (its own limits out of the way). */
async function onPlan(plan: string, balance = 10) {
  const c = await tg.client(balance, { rpm_limit: 100_000 });
  const r = await tg.admin("PUT", `/accounts/${c.accountId}/plan`, { plan_id: plan });
  expect(r.status).toBe(200);
  return c;
}

describe("request limits at their boundaries", () => {
  test("Free: the 20th request of the UTC day passes, the 21st is 429 until midnight, in each surface's shape", async () => {
    setSystemTime(new Date("2027-03-09T23:59:40.000Z"));
    const t = await signIn(tg, smtp, `free${++n}@example.com`);
    await tg.admin("POST", `/accounts/${t.account.id}/topups`, { amount: 1 });
    const me0 = await call(tg, "GET", "/auth/me", { bearer: t.access_token });
    expect(me0.body).toMatchObject({
      user: { tier: "free" },
      usage: { requestsToday: 0, limit: 20, remaining: 20 },
    });
    for (let i = 1; i <= 20; i++) expect([i, (await chat(t.access_token)).status]).toEqual([i, 200]);

    const refused = await chat(t.access_token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("20");
    expect(refused.headers.get("x-ratelimit-limit")).toBe("20");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.body).toMatchObject({
      error: { type: "rate_limit_error", code: "rate_limit_exceeded" },
      error_type: "rate_limit_error",
    });
    expect(refused.body.detail).toContain("20 requests per day on the Free plan");
    const anth = await call(tg, "POST", "/v1/messages", {
      bearer: t.access_token,
      body: { model: "gpt-test", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
    });
    expect(anth.status).toBe(429);
    expect(anth.body).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(JSON.stringify(anth.body)).toContain("per day on the Free plan");
    const gem = await call(tg, "POST", "/v1beta/models/gpt-test:generateContent", {
      bearer: t.access_token,
      body: { contents: [{ parts: [{ text: "hi" }] }] },
    });
    expect(gem.status).toBe(429);
    expect(gem.body).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } });
    expect(gem.headers.get("retry-after")).toBe("20");
    const me = await call(tg, "GET", "/auth/me", { bearer: t.access_token });
    expect(me.body).toMatchObject({ usage: { requestsToday: 20, limit: 20, remaining: 0 } });

    // One millisecond before midnight: still refused. At midnight UTC: a new day.
    setSystemTime(new Date("2027-03-09T23:59:59.999Z"));
    expect((await chat(t.access_token)).status).toBe(429);
    setSystemTime(new Date("2027-03-10T00:00:00.000Z"));
    expect((await chat(t.access_token)).status).toBe(200);
    const next = await call(tg, "GET", "/auth/me", { bearer: t.access_token });
    expect(next.body).toMatchObject({ usage: { requestsToday: 1, remaining: 19 } });
  });

  test("XRouter free: 20 a minute, the 21st waits for the next minute; the day's 200 still counts", async () => {
    setSystemTime(new Date("2027-03-10T10:00:30.000Z"));
    const c = await onPlan("xrouter-free");
    for (let i = 1; i <= 20; i++) expect([i, (await chat(c.key)).status]).toEqual([i, 200]);
    const refused = await chat(c.key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.body.detail).toContain("20 requests per minute on the XRouter Free plan");
    setSystemTime(new Date("2027-03-10T10:01:00.000Z"));
    expect((await chat(c.key)).status).toBe(200);
    const me = await call(tg, "GET", "/auth/me", { bearer: c.key });
    expect(me.body).toMatchObject({
      user: { tier: "xrouter-free" },
      usage: { requestsToday: 21, limit: 200, remaining: 179 },
    });
  });

  test("a plan's limits are the account's: two keys share them", async () => {
    const c = await onPlan("tight");
    const second = await tg.key(c.accountId, { rpm_limit: 100_000 });
    expect((await chat(c.key)).status).toBe(200);
    expect((await chat(second.key)).status).toBe(200);
    expect((await chat(c.key)).status).toBe(200);
    const refused = await chat(second.key);
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain("3 requests per minute on the Tight plan");
  });
});

describe("tokens, concurrency, models, price", () => {
  test("tokens per day: a request is admitted below the limit; once the day's tokens reach it, the next is refused", async () => {
    setSystemTime(new Date("2027-03-11T08:00:00.000Z"));
    const c = await onPlan("tight");
    mock.next({ usage: { prompt_tokens: 60, completion_tokens: 39 } });
    expect((await chat(c.key)).status).toBe(200);
    setSystemTime(new Date("2027-03-11T08:01:00.000Z"));
    mock.next({ usage: { prompt_tokens: 1, completion_tokens: 0 } });
    // 99 used: under 100, admitted; it brings the day to exactly 100.
    expect((await chat(c.key)).status).toBe(200);
    const refused = await chat(c.key);
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain("100 tokens per day on the Tight plan");
    const me = await call(tg, "GET", "/auth/me", { bearer: c.key });
    expect(me.body).toMatchObject({ usage: { tokensToday: 100 } });
  });

  test("concurrent requests: the second while the first runs is refused; after it, admitted", async () => {
    const c = await onPlan("tight");
    mock.next({ delayMs: 400 });
    const first = chat(c.key);
    await Bun.sleep(100);
    const second = await chat(c.key);
    expect(second.status).toBe(429);
    expect(second.body.detail).toContain("1 concurrent requests on the Tight plan");
    expect(second.headers.get("retry-after")).toBe("1");
    expect((await first).status).toBe(200);
    expect((await chat(c.key)).status).toBe(200);
  });

  test("a stream holds its slot until it ends", async () => {
    const c = await onPlan("tight");
    mock.next({ chunks: 4, chunkDelayMs: 100 });
    const res = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ ...hi, stream: true }),
    });
    expect(res.status).toBe(200);
    expect((await chat(c.key)).status).toBe(429);
    await res.text();
    expect((await chat(c.key)).status).toBe(200);
  });

  test("a model outside the plan is refused", async () => {
    const c = await onPlan("tight");
    const r = await call(tg, "POST", "/v1/chat/completions", {
      bearer: c.key,
      body: { ...hi, model: "vendor/slashed-model" },
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: { code: "model_not_allowed" }, error_type: "permission_error" });
  });

  test("a fallback model outside the plan is not tried", async () => {
    const model = await tg.admin("POST", "/models", {
      id: "primary-x",
      routes: [{ provider: "mock", model: "mock-model" }],
      prices: { input: 1, output: 2 },
      fallbacks: ["vendor/slashed-model"],
    });
    expect(model.status).toBe(201);
    expect(
      (await tg.admin("POST", "/plans", { id: "only-primary", name: "Only primary", models: ["primary-x"] }))
        .status,
    ).toBe(201);
    const body = { ...hi, model: "primary-x" };
    const failThrice = () => {
      for (let i = 0; i < 3; i++) mock.next({ status: 500 });
    };
    // Without a plan the fallback answers when the primary's three attempts failed...
    const free = await tg.client(1);
    failThrice();
    expect((await call(tg, "POST", "/v1/chat/completions", { bearer: free.key, body })).status).toBe(200);
    // ...on a plan without it, it is not tried.
    const c = await onPlan("only-primary");
    mock.reset();
    failThrice();
    const r = await call(tg, "POST", "/v1/chat/completions", { bearer: c.key, body });
    expect(r.status).toBe(502);
    expect(mock.received).toHaveLength(3);
    await tg.admin("PUT", `/accounts/${c.accountId}/plan`, { plan_id: null });
    await tg.admin("DELETE", "/plans/only-primary");
  });

  test("the price multiplier is charged exactly (1.5 x list price, rounded up to the nano-unit)", async () => {
    const c = await onPlan("tight", 1);
    mock.next({ usage: { prompt_tokens: 10, completion_tokens: 7 } });
    expect((await chat(c.key)).status).toBe(200);
    const rows = await tg.logRows(c.keyId);
    // 10 x 1 + 7 x 2 = 24 USD per 1M tokens = 24,000 nano-units; x 1.5 = 36,000.
    expect(rows[0]?.cost).toBe(0.000036);
    const ledger = await tg.admin<{ data: { kind: string; amount: number }[] }>(
      "GET",
      `/accounts/${c.accountId}/ledger`,
    );
    expect(ledger.body.data.find((e) => e.kind === "charge")?.amount).toBe(-0.000036);
  });
});

describe("monthly fee", () => {
  test("charged on assignment and as each month starts; a balance that cannot pay falls back to the default plan", async () => {
    setSystemTime(new Date("2027-04-30T12:00:00.000Z"));
    const rich = await tg.client(2000);
    const poor = await tg.client(1000);
    const broke = await tg.client(500);
    expect((await tg.admin("PUT", `/accounts/${rich.accountId}/plan`, { plan_id: "pro" })).status).toBe(200);
    expect((await tg.admin("PUT", `/accounts/${poor.accountId}/plan`, { plan_id: "pro" })).status).toBe(200);
    const refused = await tg.admin("PUT", `/accounts/${broke.accountId}/plan`, { plan_id: "pro" });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ error: { code: "insufficient_quota" } });
    const fees = async (id: string) =>
      (
        await tg.admin<{ data: { kind: string; amount: number; description: string }[] }>(
          "GET",
          `/accounts/${id}/ledger`,
        )
      ).body.data.filter((e) => e.kind === "fee");
    expect(await fees(poor.accountId)).toEqual([
      expect.objectContaining({ amount: -990, description: "Plan Pro: 2027-04" }),
    ]);
    // Assigning the plan it is on again costs nothing more this month.
    await tg.admin("PUT", `/accounts/${poor.accountId}/plan`, { plan_id: "pro" });
    expect(await fees(poor.accountId)).toHaveLength(1);

    // May starts: the first request settles the month.
    setSystemTime(new Date("2027-05-01T00:00:05.000Z"));
    expect((await chat(rich.key)).status).toBe(200);
    expect((await chat(poor.key)).status).toBe(200);
    expect((await fees(rich.accountId)).map((e) => e.description)).toEqual([
      "Plan Pro: 2027-05",
      "Plan Pro: 2027-04",
    ]);
    expect(await fees(poor.accountId)).toHaveLength(1);
    const lapsed = await tg.admin("GET", `/accounts/${poor.accountId}/plan`);
    expect(lapsed.body).toMatchObject({
      plan: { id: "free" },
      lapsed_plan_id: "pro",
      period_start: "2027-05-01T00:00:00.000Z",
    });
    const me = await call(tg, "GET", "/auth/me", { bearer: poor.key });
    expect(me.body).toMatchObject({ user: { tier: "free" }, usage: { limit: 20 } });
  });
});

describe("plans through the admin API", () => {
  test("create, change, assign, delete; the invariants hold", async () => {
    const created = await tg.admin("POST", "/plans", {
      id: "starter",
      name: "Starter",
      requests_per_day: 5,
      price_multiplier: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: "starter",
      requests_per_day: 5,
      price_multiplier: 2,
      monthly_fee: 0,
      from_config: false,
    });
    const patched = await tg.admin("PATCH", "/plans/starter", { requests_per_day: 6, monthly_fee: "9.99" });
    expect(patched.body).toMatchObject({ requests_per_day: 6, monthly_fee: 9.99 });
    const feeDefault = await tg.admin("PATCH", "/plans/free", { monthly_fee: 1 });
    expect(feeDefault.status).toBe(400);
    const unknownModel = await tg.admin("POST", "/plans", { id: "x", name: "X", models: ["nope"] });
    expect(unknownModel.status).toBe(400);
    const c = await tg.client(100);
    expect((await tg.admin("PUT", `/accounts/${c.accountId}/plan`, { plan_id: "starter" })).status).toBe(200);
    expect((await tg.admin("DELETE", "/plans/starter")).status).toBe(409);
    expect((await tg.admin("DELETE", "/plans/free")).status).toBe(409);
    await tg.admin("PUT", `/accounts/${c.accountId}/plan`, { plan_id: null });
    expect((await tg.admin("DELETE", "/plans/starter")).status).toBe(200);
    const list = await tg.admin<{ data: { id: string; from_config: boolean }[] }>("GET", "/plans");
    expect(list.body.data.map((p) => p.id).sort()).toEqual(["free", "pro", "tight", "xrouter-free"]);
    expect(list.body.data.every((p) => p.from_config)).toBe(true);
  });

  test("the shipped example config parses, with Iskra's and XRouter's tiers", () => {
    const text = readFileSync(
      join(import.meta.dir, "..", "..", "deploy", "tollgate.identity.example.yaml"),
      "utf8",
    );
    const cfg = parseConfig(text, {});
    expect(cfg.plans.map((p) => [p.id, p.requests_per_minute, p.requests_per_day, p.monthly_fee])).toEqual([
      ["free", null, 20, 0],
      ["pro", null, 500, 990_000_000_000],
      ["pro-plus", null, 2000, 1990_000_000_000],
      ["xrouter-free", 20, 200, 0],
      ["team", 120, 20000, 4900_000_000_000],
    ]);
    expect(cfg.identity.signup).toBe("open");
    expect(cfg.identity.mail.smtp).toBeUndefined();
  });
});

describe("the LLM Gateway reference: global limit, monitoring, balance gauge", () => {
  test("a deployment-wide hourly limit answers 429 and counts as global_limit in metrics", async () => {
    const local = await TestGateway.start({
      config: standardConfig(mock.url, "metrics: { balance_gauge: true }").replace(
        "rate_limits: { key_rpm: 1000 }",
        "rate_limits: { key_rpm: 1000, global_rph: 3 }",
      ),
    });
    try {
      setSystemTime(new Date("2027-06-01T10:59:00.000Z"));
      const a = await local.client(1);
      const b = await local.client(1);
      const go = (key: string) => call(local, "POST", "/v1/chat/completions", { bearer: key, body: hi });
      expect((await go(a.key)).status).toBe(200);
      expect((await go(b.key)).status).toBe(200);
      expect((await go(a.key)).status).toBe(200);
      const refused = await go(b.key);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("60");
      expect(refused.body).toMatchObject({
        detail: expect.stringContaining("per hour for this deployment (global limit)"),
      });
      setSystemTime(new Date("2027-06-01T11:00:00.000Z"));
      expect((await go(b.key)).status).toBe(200);

      const text = await (await fetch(`${local.url}/metrics`)).text();
      const families = parsePrometheusTextFormat(text) as {
        name: string;
        metrics: { labels?: Record<string, string>; value?: string }[];
      }[];
      const limited = families.find((f) => f.name === "rate_limit_requests_total")!;
      expect(limited.metrics.find((m) => m.labels?.type === "global_limit")?.value).toBe("1");
      const balances = families.find((f) => f.name === "user_balance")!;
      expect(balances.metrics.find((m) => m.labels?.user_id === a.accountId)?.value).toMatch(/^0\.99/);

      const mon = await call(local, "GET", "/health/monitoring");
      expect(mon.body).toMatchObject({
        prometheus: { status: "healthy", enabled: true, balance_gauge: true },
        langfuse: { enabled: false },
        sentry: { enabled: false },
      });
    } finally {
      await local.stop();
    }
  });

  test("without the opt-in there is no balance series; plan refusals count as plan_limit", async () => {
    const text = await (await fetch(`${tg.url}/metrics`)).text();
    expect(text).not.toContain("user_balance");
    expect(text).toMatch(/rate_limit_requests_total\{type="plan_limit"\} \d+/);
    expect(text).toMatch(/rate_limit_requests_total\{type="plan_token_limit"\} 1/);
    expect(text).toMatch(/rate_limit_requests_total\{type="plan_concurrency_limit"\} \d+/);
  });
});

describe("one box: the figures are this process's, as before TOLLGATE_REDIS existed", () => {
  test("/auth/me and the portal summary count in process and carry no scope (nothing read from Redis)", async () => {
    const c = await onPlan("xrouter-free");
    expect((await chat(c.key)).status).toBe(200);
    const me = await call<{ usage: Record<string, unknown> }>(tg, "GET", "/auth/me", { bearer: c.key });
    expect(Object.keys(me.body.usage).sort()).toEqual([
      "limit",
      "remaining",
      "requestsToday",
      "resetsAt",
      "tokensToday",
    ]);
    expect(me.body.usage).toMatchObject({ requestsToday: 1, limit: 200, remaining: 199 });
    const summary = await tg.admin<{ today: Record<string, unknown> }>(
      "GET",
      `/portal/accounts/${c.accountId}`,
    );
    expect(Object.keys(summary.body.today).sort()).toEqual(["concurrent", "requests", "resets_at", "tokens"]);
  });
});
