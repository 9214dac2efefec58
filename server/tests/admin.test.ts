import { describe, expect, test } from "bun:test";
import {
  ADMIN_TOKEN,
  PROVIDER_SECRET,
  standardConfig,
  statusOf,
  type TestGateway,
  withGateway,
} from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

withGateway(standardConfig, (m, t) => {
  mock = m;
  tg = t;
});

describe("admin API", () => {
  test("needs the admin token: none, a wrong one and a client key all get 401", async () => {
    const c = await tg.client(1);
    for (const auth of [undefined, "Bearer wrong-token-000000000", `Bearer ${c.key}`]) {
      const res = await fetch(`${tg.url}/admin/api/accounts`, {
        headers: auth ? { authorization: auth } : {},
      });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("invalid_admin_token");
    }
    const ok = await fetch(`${tg.url}/admin/api/accounts`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(ok.status).toBe(200);
  });

  test("accounts: create, top up with a note, adjust, ledger with balance_after", async () => {
    const created = await tg.admin<{ id: string; balance: number }>("POST", "/accounts", {
      name: "ledger-co",
      balance: "1.5",
    });
    expect(created.status).toBe(201);
    expect(created.body.balance).toBe(1.5);
    const dup = await tg.admin<{ error: { code: string } }>("POST", "/accounts", { name: "ledger-co" });
    expect(dup.status).toBe(409);
    const top = await tg.admin<{ balance: number }>("POST", `/accounts/${created.body.id}/topups`, {
      amount: 0.25,
      note: "invoice 42",
    });
    expect(top.body.balance).toBe(1.75);
    const neg = await tg.admin("POST", `/accounts/${created.body.id}/topups`, { amount: -1 });
    expect(neg.status).toBe(400);
    const bad = await tg.admin<{ error: { param: string } }>("POST", `/accounts/${created.body.id}/topups`, {
      amount: "0.0000000001",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("amount");
    const adj = await tg.admin<{ balance: number }>("POST", `/accounts/${created.body.id}/adjustments`, {
      amount: "-0.75",
      note: "refund reversal",
    });
    expect(adj.body.balance).toBe(1);
    const ledger = await tg.admin<{
      data: { kind: string; amount: number; balance_after: number; description: string }[];
    }>("GET", `/accounts/${created.body.id}/ledger`);
    expect(ledger.body.data.map((e) => [e.kind, e.amount, e.balance_after, e.description])).toEqual([
      ["adjustment", -0.75, 1, "refund reversal"],
      ["topup", 0.25, 1.75, "invoice 42"],
      ["topup", 1.5, 1.5, "Opening balance"],
    ]);
    expect((await tg.admin("GET", "/accounts/acc_nope")).status).toBe(404);
  });

  test("RUB amounts stay exact to the kopeck and below", async () => {
    const a = await tg.admin<{ id: string; balance: number }>("POST", "/accounts", {
      name: "rub-co",
      balance: "1234567.890123456",
    });
    expect(a.body.balance).toBe(1234567.890123456);
  });

  test("keys: issued once with the plain key, listed without it, usage, limits edited, revoked", async () => {
    const acct = await tg.account("keys-co", 10);
    const k = await tg.admin<{ id: string; key: string; prefix: string; status: string }>("POST", "/keys", {
      account_id: acct,
      name: "ci",
      rpm_limit: 5,
      spend_limit: "2.5",
      models: ["gpt-test"],
      expires_at: "2099-01-01T00:00:00Z",
    });
    expect(k.status).toBe(201);
    expect(k.body.key).toMatch(/^sk-tg-[A-Za-z0-9_-]{32}$/);
    expect(k.body.key.startsWith(k.body.prefix)).toBe(true);
    const list = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/keys?account_id=${acct}`);
    expect(JSON.stringify(list.body)).not.toContain(k.body.key);
    expect(list.body.data[0]).toMatchObject({
      id: k.body.id,
      rpm_limit: 5,
      spend_limit: 2.5,
      models: ["gpt-test"],
      status: "active",
      expires_at: "2099-01-01T00:00:00.000Z",
    });
    expect((await tg.admin("POST", "/keys", { account_id: acct, name: "x", models: ["nope"] })).status).toBe(
      400,
    );
    expect((await tg.admin("POST", "/keys", { account_id: "acc_missing", name: "x" })).status).toBe(404);

    const client = tg.openai(k.body.key);
    await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
    const usage = await tg.admin<{
      requests: number;
      input_tokens: number;
      output_tokens: number;
      spend: number;
      daily: unknown[];
    }>("GET", `/keys/${k.body.id}/usage`);
    expect(usage.body).toMatchObject({ requests: 1, input_tokens: 10, output_tokens: 3, spend: 0.000016 });
    expect(usage.body.daily).toHaveLength(1);

    const edited = await tg.admin<{ rpm_limit: number; spend_limit: null }>("PATCH", `/keys/${k.body.id}`, {
      rpm_limit: 9,
      spend_limit: null,
    });
    expect(edited.body).toMatchObject({ rpm_limit: 9, spend_limit: null });
    const revoked = await tg.admin<{ status: string }>("PATCH", `/keys/${k.body.id}`, { status: "revoked" });
    expect(revoked.body.status).toBe("revoked");
    expect(
      await statusOf(
        client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
      ),
    ).toBe(401);
  });

  test("models: disable answers 404 at once, enable again, prices edited exactly, slashed ids", async () => {
    const c = await tg.client(1);
    const off = await tg.admin<{ enabled: boolean }>("PATCH", "/models/vendor/slashed-model", {
      enabled: false,
    });
    expect(off.body.enabled).toBe(false);
    expect(
      await statusOf(
        c.openai.chat.completions.create({
          model: "vendor/slashed-model",
          messages: [{ role: "user", content: "hi" }],
        }),
      ),
    ).toBe(404);
    await tg.admin("PATCH", "/models/vendor%2Fslashed-model", {
      enabled: true,
      prices: { input: "0.15", output: "0.6" },
    });
    const m = await tg.admin<{ prices: { input: number; output: number }; source: string }>(
      "GET",
      "/models/vendor/slashed-model",
    );
    expect(m.body.prices).toMatchObject({ input: 0.15, output: 0.6 });
    expect(m.body.source).toBe("config");
    const ok = await c.openai.chat.completions.create({
      model: "vendor/slashed-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(ok.usage?.prompt_tokens).toBe(10);
    const created = await tg.admin("POST", "/models", {
      id: "new-model",
      routes: [{ provider: "mock", model: "m" }],
      prices: { input: 1 },
    });
    expect(created.status).toBe(201);
    expect(
      (await tg.admin("POST", "/models", { id: "x", routes: [{ provider: "ghost", model: "m" }] })).status,
    ).toBe(400);
  });

  test("providers: secrets are write-only and stored encrypted; test connection", async () => {
    const list = await tg.admin<{ data: { id: string; api_key: string }[] }>("GET", "/providers");
    expect(JSON.stringify(list.body)).not.toContain(PROVIDER_SECRET);
    expect(list.body.data.find((p) => p.id === "mock")?.api_key).toBe(`••••${PROVIDER_SECRET.slice(-4)}`);
    const created = await tg.admin<{ api_key: string }>("POST", "/providers", {
      id: "other",
      kind: "openai",
      base_url: mock.url,
      api_key: "sk-other-secret-999999",
      headers: { "x-custom": "header-secret-value" },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain("sk-other-secret");
    expect(JSON.stringify(created.body)).not.toContain("header-secret-value");
    const row = await tg.sqlRow<{ api_key_enc: string }>(
      "SELECT api_key_enc FROM providers WHERE id = 'other'",
    );
    expect(row.api_key_enc.startsWith("v1:")).toBe(true);
    expect(row.api_key_enc).not.toContain("sk-other");
    const test1 = await tg.admin<{ ok: boolean; status: number }>("POST", "/providers/other/test");
    expect(test1.body).toMatchObject({ ok: true, status: 200 });
    // Another host: the credentials must come along again (see admin-hardening.test.ts).
    await tg.admin("PATCH", "/providers/other", {
      base_url: "http://127.0.0.1:1/v1",
      api_key: "sk-other-secret-999999",
      headers: { "x-custom": "header-secret-value" },
    });
    const test2 = await tg.admin<{ ok: boolean; message: string }>("POST", "/providers/other/test");
    expect(test2.body.ok).toBe(false);
    expect(test2.body.message).not.toContain("sk-other");
  });

  test("deleting: a provider while a model routes to it, a model while it is a fallback, are refused (409); then both go", async () => {
    expect(
      (await tg.admin("POST", "/providers", { id: "to-drop", kind: "openai", base_url: mock.url })).status,
    ).toBe(201);
    const model = (id: string, fallbacks: string[] = []) =>
      tg.admin("POST", "/models", {
        id,
        routes: [{ provider: "to-drop", model: "mock-model" }],
        prices: { input: 1, output: 2 },
        fallbacks,
      });
    expect((await model("drop/me")).status).toBe(201);
    expect((await model("leans-on-it", ["drop/me"])).status).toBe(201);
    const c = await tg.client(1);
    const ask = (m: string) =>
      c.openai.chat.completions.create({ model: m, messages: [{ role: "user", content: "hi" }] });
    expect((await ask("drop/me")).choices[0]?.message.content).toBe("Hello from the mock upstream.");

    const busyProvider = await tg.admin<{ error: { code: string; message: string } }>(
      "DELETE",
      "/providers/to-drop",
    );
    expect(busyProvider.status).toBe(409);
    expect(busyProvider.body.error).toMatchObject({ code: "provider_in_use" });
    expect(busyProvider.body.error.message).toContain("drop/me, leans-on-it");
    const busyModel = await tg.admin<{ error: { code: string } }>("DELETE", "/models/drop/me");
    expect(busyModel.status).toBe(409);
    expect(busyModel.body.error.code).toBe("model_in_use");

    expect((await tg.admin("DELETE", "/models/leans-on-it")).status).toBe(200);
    expect(await tg.admin("DELETE", "/models/drop/me")).toMatchObject({
      status: 200,
      body: { id: "drop/me", deleted: true },
    });
    // Gone for clients at once, and from the admin API; the request already made keeps its log row.
    expect(await statusOf(ask("drop/me"))).toBe(404);
    expect((await tg.admin("GET", "/models/drop/me")).status).toBe(404);
    expect((await tg.logRows(c.keyId)).map((r) => r.model)).toContain("drop/me");

    expect((await tg.admin("DELETE", "/providers/to-drop")).status).toBe(200);
    expect((await tg.admin("GET", "/providers/to-drop")).status).toBe(404);
    expect((await tg.admin("DELETE", "/providers/to-drop")).status).toBe(404);
    expect(await tg.sqlRow("SELECT count(*) AS n FROM providers WHERE id = 'to-drop'")).toEqual({
      n: 0,
    });
  });

  test("request log: filters and pagination", async () => {
    const c = await tg.client(1);
    for (let i = 0; i < 3; i++)
      await c.openai.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: "hi" }],
      });
    await c.openai.chat.completions
      .create({ model: "off-model", messages: [{ role: "user", content: "hi" }] })
      .catch(() => null);
    const page = await tg.admin<{ data: { id: string; status: number }[]; total: number }>(
      "GET",
      `/requests?key_id=${c.keyId}&limit=2&offset=0`,
    );
    expect(page.body.total).toBe(4);
    expect(page.body.data).toHaveLength(2);
    const errors = await tg.admin<{ total: number; data: { model: string; error_code: string }[] }>(
      "GET",
      `/requests?key_id=${c.keyId}&status=404`,
    );
    expect(errors.body.total).toBe(1);
    expect(errors.body.data[0]).toMatchObject({ model: "off-model", error_code: "model_not_found" });
    const okRow = (
      await tg.admin<{ data: { id: string }[] }>("GET", `/requests?key_id=${c.keyId}&status=200&limit=1`)
    ).body.data[0]!;
    const one = await tg.admin<{ id: string; attempts: { provider: string; status: number }[] }>(
      "GET",
      `/requests/${okRow.id}`,
    );
    expect(one.body.attempts).toEqual([expect.objectContaining({ provider: "mock", status: 200 })]);
    const future = await tg.admin<{ total: number }>(
      "GET",
      `/requests?key_id=${c.keyId}&from=${Date.now() + 60_000}`,
    );
    expect(future.body.total).toBe(0);
    expect((await tg.admin("GET", "/requests?limit=abc")).status).toBe(400);
  });

  test("OpenAPI docs at /docs are served with their UI script from the gateway itself", async () => {
    const html = await (await fetch(`${tg.url}/docs`)).text();
    expect(html).toContain("/docs/assets/swagger-ui-bundle.js");
    expect(html).not.toContain("cdn.jsdelivr");
    const script = await fetch(`${tg.url}/docs/assets/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    const spec = (await (await fetch(`${tg.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/v1/chat/completions", "/admin/api/keys", "/admin/api/accounts/{id}/topups"]),
    );
  });
});
