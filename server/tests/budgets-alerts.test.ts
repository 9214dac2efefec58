/**
 * Budgets that reset, suspend and resume, refunds and ledger filters, and alerts posted to a
 * signed webhook: through the real server on loopback, a mock upstream, and real HTTP
 * receivers for the webhook.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verify } from "../alerts/signature.ts";
import { nextPeriodStart } from "../billing/budget-period.ts";
import { KeyStore } from "../keys/key-store.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  tg = await TestGateway.start({ config: standardConfig(mock.url) });
  tg.gw.alerts.options.backoffMs = 5;
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});

type Err = {
  type?: string;
  error: {
    message: string;
    code: string | number;
    type?: string;
    status?: string;
    details?: Record<string, string>[];
  };
};

async function call(shape: "openai" | "anthropic" | "google", key: string) {
  const msg = [{ role: "user", content: "Hi." }];
  const [path, body, headers]: [string, unknown, Record<string, string>] =
    shape === "openai"
      ? ["/v1/chat/completions", { model: "gpt-test", max_tokens: 16, messages: msg }, {}]
      : shape === "anthropic"
        ? [
            "/v1/messages",
            { model: "gpt-test", max_tokens: 16, messages: msg },
            { "anthropic-version": "2023-06-01" },
          ]
        : [
            "/v1beta/models/gpt-test:generateContent",
            { contents: [{ role: "user", parts: [{ text: "Hi." }] }] },
            {},
          ];
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Err };
}

const keyView = async (id: string) =>
  (
    await tg.admin<{
      status: string;
      limit_reached: boolean;
      budget_period: string | null;
      period_spent: number;
      period_resets_at: string | null;
      used: number;
    }>("GET", `/keys/${id}`)
  ).body;

describe("a spend limit with a reset period", () => {
  test("counts the spend since the period began, refuses at the limit, and resets at the UTC boundary", async () => {
    const c = await tg.client(100, { spend_limit: 1, budget_period: "daily" });
    expect((await call("openai", c.key)).status).toBe(200);
    const spent = (await keyView(c.keyId)).period_spent;
    expect(spent).toBeGreaterThan(0);
    // The limit lowered to exactly what the period has spent: the key is at its limit.
    await tg.admin("PATCH", `/keys/${c.keyId}`, { spend_limit: spent });
    const v = await keyView(c.keyId);
    expect(v.limit_reached).toBe(true);
    expect(v.budget_period).toBe("daily");
    const boundary = nextPeriodStart("daily", Date.now());
    expect(v.period_resets_at).toBe(new Date(boundary).toISOString());
    const refused = await call("openai", c.key);
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("key_spend_limit_reached");

    // An injected clock on the key store billing uses: a millisecond before the boundary
    // the key is still at its limit; at the boundary its period spend is zero again.
    const rec = tg.gw.keys.get(c.keyId)!;
    tg.gw.keys.authenticate(c.key, boundary - 1);
    expect(tg.gw.book.headroom(rec).key).toBe(0);
    tg.gw.keys.authenticate(c.key, boundary);
    expect(rec.periodUsed).toBe(0);
    expect(tg.gw.book.headroom(rec).key).toBe(rec.spendLimit!);
    // Back in today's period (the clock of this process), the ledger's spend counts again.
    tg.gw.keys.authenticate(c.key, Date.now());
    expect(tg.gw.book.headroom(rec).key).toBe(0);
  });

  test("after a restart the period's spend is read from the ledger; a key without a period counts its lifetime", async () => {
    const c = await tg.client(100, { spend_limit: 1, budget_period: "monthly" });
    expect((await call("openai", c.key)).status).toBe(200);
    expect((await call("openai", c.key)).status).toBe(200);
    const fresh = new KeyStore(tg.gw.store);
    await fresh.load();
    const rec = fresh.authenticate(c.key, Date.now());
    expect(rec.periodUsed).toBe(tg.gw.keys.get(c.keyId)!.periodUsed);
    expect(rec.periodUsed).toBe(rec.used);
    // Next month nothing of it counts.
    fresh.authenticate(c.key, nextPeriodStart("monthly", Date.now()));
    expect(rec.periodUsed).toBe(0);
    const life = await tg.client(100, { spend_limit: 1 });
    expect((await call("openai", life.key)).status).toBe(200);
    const lv = await keyView(life.keyId);
    expect(lv.period_spent).toBe(lv.used);
    expect(lv.period_resets_at).toBeNull();
  });
});

describe("suspend and resume", () => {
  test("a suspended key is refused with 401 key_suspended in each route's shape, and works again once resumed", async () => {
    const c = await tg.client(100);
    expect((await tg.admin("PATCH", `/keys/${c.keyId}`, { status: "suspended" })).status).toBe(200);
    expect((await keyView(c.keyId)).status).toBe("suspended");
    const o = await call("openai", c.key);
    expect(o.status).toBe(401);
    expect(o.body.error.code).toBe("key_suspended");
    expect(o.body.error.message).toContain("suspended");
    const a = await call("anthropic", c.key);
    expect(a.status).toBe(401);
    expect(a.body.type).toBe("error");
    expect(a.body.error.type).toBe("authentication_error");
    expect(a.body.error.message).toContain("suspended");
    const g = await call("google", c.key);
    expect(g.status).toBe(401);
    expect(g.body.error.status).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(g.body.error.details)).toContain("KEY_SUSPENDED");
    const listed = await tg.admin<{ data: { id: string }[] }>("GET", "/keys?status=suspended");
    expect(listed.body.data.map((k) => k.id)).toContain(c.keyId);
    await tg.admin("PATCH", `/keys/${c.keyId}`, { status: "active" });
    expect((await call("openai", c.key)).status).toBe(200);
  });

  test("a revoked key cannot be resumed", async () => {
    const c = await tg.client(100);
    await tg.admin("PATCH", `/keys/${c.keyId}`, { status: "revoked" });
    const r = await tg.admin<Err>("PATCH", `/keys/${c.keyId}`, { status: "active" });
    expect(r.status).toBe(409);
    expect((await call("openai", c.key)).body.error.code).toBe("key_revoked");
  });

  test("a suspended account's keys are refused with 403 account_suspended until it is resumed", async () => {
    const c = await tg.client(100);
    const s = await tg.admin<{ status: string }>("PATCH", `/accounts/${c.accountId}`, {
      status: "suspended",
    });
    expect(s.body.status).toBe("suspended");
    const o = await call("openai", c.key);
    expect(o.status).toBe(403);
    expect(o.body.error.code).toBe("account_suspended");
    const a = await call("anthropic", c.key);
    expect(a.status).toBe(403);
    expect(a.body.error.type).toBe("permission_error");
    const g = await call("google", c.key);
    expect(g.status).toBe(403);
    expect(g.body.error.status).toBe("PERMISSION_DENIED");
    await tg.admin("PATCH", `/accounts/${c.accountId}`, { status: "active" });
    expect((await call("openai", c.key)).status).toBe(200);
  });
});

describe("refunds and the ledger's kind filter", () => {
  test("a refund is its own ledger kind; kind=topup,refund leaves the charges out", async () => {
    const c = await tg.client(10);
    for (let i = 0; i < 3; i++) expect((await call("openai", c.key)).status).toBe(200);
    const r = await tg.admin<{ balance: number }>("POST", `/accounts/${c.accountId}/refunds`, {
      amount: "2.5",
      note: "Outage credit",
    });
    expect(r.status).toBe(200);
    expect((await tg.admin<Err>("POST", `/accounts/${c.accountId}/refunds`, { amount: 1 })).status).toBe(400);
    const all = await tg.admin<{ total: number }>("GET", `/accounts/${c.accountId}/ledger`);
    expect(all.body.total).toBe(5);
    const some = await tg.admin<{ total: number; data: { kind: string; description: string }[] }>(
      "GET",
      `/accounts/${c.accountId}/ledger?kind=topup,refund`,
    );
    expect(some.status, JSON.stringify(some.body)).toBe(200);
    expect(some.body.total).toBe(2);
    expect(some.body.data.map((e) => e.kind)).toEqual(["refund", "topup"]);
    expect(some.body.data[0]!.description).toBe("Outage credit");
    expect((await tg.admin("GET", `/accounts/${c.accountId}/ledger?kind=bogus`)).status).toBe(400);
  });
});

type Received = { body: string; signature: string | null; event: string | null };

/** A webhook receiver on loopback: answers each POST with the next of `statuses` (then 200). */
function receiver(statuses: number[] = []) {
  const got: Received[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      got.push({
        body: await req.text(),
        signature: req.headers.get("x-tollgate-signature"),
        event: req.headers.get("x-tollgate-event"),
      });
      return new Response(null, { status: statuses.shift() ?? 200 });
    },
  });
  return { got, url: `http://127.0.0.1:${server.port}/hook`, stop: () => server.stop(true) };
}

type Delivery = {
  id: string;
  event: string;
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  payload: { id: string; data: Record<string, unknown> };
};
const deliveries = async () =>
  (await tg.admin<{ data: Delivery[] }>("GET", "/alerts/deliveries?limit=500")).body.data;

describe("alerts to a signed webhook", () => {
  const SECRET = "whsec-test-0123456789abcdef";

  test("the secret is never shown; an account falling below its threshold alerts once, signed", async () => {
    const rx = receiver();
    try {
      const put = await tg.admin<{ url: string; secret_set: boolean }>("PUT", "/alerts/webhook", {
        url: rx.url,
        secret: SECRET,
      });
      expect(put.body).toEqual({ url: rx.url, secret_set: true });
      expect(JSON.stringify((await tg.admin("GET", "/alerts/webhook")).body)).not.toContain(SECRET);
      const c = await tg.client(1);
      await tg.admin("PATCH", `/accounts/${c.accountId}`, { low_balance_threshold: "0.99999" });
      expect((await call("openai", c.key)).status).toBe(200);
      expect((await call("openai", c.key)).status).toBe(200);
      await tg.gw.alerts.settled();
      const low = rx.got.filter((r) => r.event === "account.low_balance");
      expect(low).toHaveLength(1);
      const body = JSON.parse(low[0]!.body) as {
        event: string;
        data: { account: { id: string }; threshold: number };
      };
      expect(body.event).toBe("account.low_balance");
      expect(body.data.account.id).toBe(c.accountId);
      expect(body.data.threshold).toBe(0.99999);
      expect(verify(SECRET, low[0]!.body, low[0]!.signature)).toBe(true);
      expect(verify("another-secret-entirely", low[0]!.body, low[0]!.signature)).toBe(false);
      const logged = (await deliveries()).find(
        (d) => d.payload.data.account && (d.payload.data.account as { id: string }).id === c.accountId,
      );
      expect(logged?.status).toBe("delivered");
      expect(logged?.attempts).toBe(1);
      expect(logged?.response_status).toBe(200);
      // The Overview lists it as running low.
      const stats = await tg.admin<{
        low_accounts: { account_id: string }[];
        accounts: { account_id: string; spend: number }[];
      }>("GET", "/stats?days=1");
      expect(stats.body.low_accounts.map((a) => a.account_id)).toContain(c.accountId);
      expect(stats.body.accounts.find((a) => a.account_id === c.accountId)?.spend).toBeGreaterThan(0);
      // A top-up above the threshold re-arms it.
      await tg.admin("POST", `/accounts/${c.accountId}/topups`, { amount: 5 });
      expect((await tg.admin<{ low: boolean }>("GET", `/accounts/${c.accountId}`)).body.low).toBe(false);
    } finally {
      rx.stop();
    }
  });

  test("a key reaching its limit alerts; a failing receiver is retried with backoff until it answers", async () => {
    const rx = receiver([500, 503]);
    try {
      await tg.admin("PUT", "/alerts/webhook", { url: rx.url, secret: SECRET });
      const c = await tg.client(100, { spend_limit: "0.0003" });
      let refused = false;
      for (let i = 0; i < 60 && !refused; i++) refused = (await call("openai", c.key)).status === 402;
      expect(refused).toBe(true);
      await tg.gw.alerts.settled();
      const hits = rx.got.filter((r) => r.event === "key.limit_reached");
      expect(hits).toHaveLength(3);
      expect(new Set(hits.map((h) => h.body)).size).toBe(1);
      for (const h of hits) expect(verify(SECRET, h.body, h.signature)).toBe(true);
      const d = (await deliveries()).find((x) => x.event === "key.limit_reached");
      expect(d).toMatchObject({ status: "delivered", attempts: 3, response_status: 200, last_error: null });
      expect((await keyView(c.keyId)).limit_reached).toBe(true);
    } finally {
      rx.stop();
    }
  });

  test("a receiver that never answers 2xx is given up on after the last attempt, and the log says why", async () => {
    const rx = receiver([500, 500, 500, 500, 500]);
    try {
      await tg.admin("PUT", "/alerts/webhook", { url: rx.url, secret: SECRET });
      const sent = await tg.admin<{ id: string }>("POST", "/alerts/test");
      await tg.gw.alerts.settled();
      expect(rx.got).toHaveLength(5);
      const d = (await deliveries()).find((x) => x.id === sent.body.id);
      expect(d).toMatchObject({
        status: "failed",
        attempts: 5,
        response_status: 500,
        last_error: "HTTP 500",
      });
      await tg.admin("DELETE", "/alerts/webhook");
      expect((await tg.admin<{ id: string | null }>("POST", "/alerts/test")).body.id).toBeNull();
    } finally {
      rx.stop();
    }
  });
});
