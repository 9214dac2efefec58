import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { startMatrix } from "../testing/matrix.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

/**
 * Billing edges a review found: holds on key records swapped by admin edits, top-ups
 * while charges are in flight, output limits the upstream must be held to, streams that
 * open with an error, Gemini streams cut short, and the ledger's balance_after chain.
 */
let mock: MockOpenAI;
beforeAll(() => {
  mock = new MockOpenAI().start();
});
afterAll(() => mock.stop());

const tableOf = async (tg: TestGateway, accountId: string, keyId: string) => ({
  account: await tg.sqlRow<{ balance: number; used: number }>(
    "SELECT balance, used FROM accounts WHERE id = ?",
    accountId,
  ),
  key: await tg.sqlRow<{ used: number }>("SELECT used FROM api_keys WHERE id = ?", keyId),
});

describe("memory and table agree", () => {
  const writers: Record<string, string>[] = [{}, { TOLLGATE_WRITER: "thread" }];
  for (const env of writers) {
    test(`a key edited and an account topped up while requests are in flight ${JSON.stringify(env)}`, async () => {
      const tg = await TestGateway.start({ config: standardConfig(mock.url), env });
      const c = await tg.client(100, { spend_limit: "1" });
      mock.always({ delayMs: 200 });
      const calls = Array.from({ length: 5 }, () =>
        c.openai.chat.completions.create({
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 100,
        }),
      );
      await Bun.sleep(80);
      expect(tg.gw.keys.get(c.keyId)!.reserved).toBeGreaterThan(0);
      expect((await tg.admin("PATCH", `/keys/${c.keyId}`, { name: "renamed while busy" })).status).toBe(200);
      expect((await tg.admin("POST", `/accounts/${c.accountId}/topups`, { amount: 1 })).status).toBe(200);
      await Promise.all(calls);
      mock.always({});
      // A top-up between a charge's commit and its acknowledgement must not be counted twice.
      for (let i = 0; i < 5; i++) {
        const p = c.openai.chat.completions.create({
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
        });
        await Bun.sleep(1);
        await tg.admin("POST", `/accounts/${c.accountId}/topups`, { amount: "0.001" });
        await p;
      }
      await tg.gw.commits.idle();
      const key = tg.gw.keys.get(c.keyId)!;
      const acct = tg.gw.book.get(c.accountId)!;
      const table = await tableOf(tg, c.accountId, c.keyId);
      expect(key.reserved).toBe(0);
      expect(acct.reserved).toBe(0);
      expect(key.used).toBe(table.key.used);
      expect(acct.balance).toBe(table.account.balance);
      expect(acct.used).toBe(table.account.used);
      expect(table.key.used).toBe(10 * 16_000);
      await tg.stop();
    });
  }

  test("a CLI-style change by another connection arrives as a delta, not a reload that steps back", async () => {
    const tg = await TestGateway.start({ config: standardConfig(mock.url) });
    const c = await tg.client(1);
    await tg.sqlElsewhere("UPDATE accounts SET balance = balance + 500000000 WHERE id = ?", c.accountId);
    await tg.sqlElsewhere(
      "INSERT INTO ledger (id, account_id, kind, amount, balance_after, created_at) VALUES ('txn_other', ?, 'topup', 500000000, 1500000000, 0)",
      c.accountId,
    );
    await tg.sqlElsewhere(
      "INSERT INTO settings (key, value) VALUES ('cache_generation', '99') ON CONFLICT(key) DO UPDATE SET value = '99'",
    );
    await tg.elsewhereSeen(5);
    const bal = await (
      await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${c.key}` } })
    ).json();
    expect(bal.balance).toBe(1.5);
    await tg.stop();
  });
});

describe("the upstream is held to what was reserved", () => {
  test("without max_tokens the model's output limit is sent, and a tight balance lowers it", async () => {
    const tg = await TestGateway.start({ config: standardConfig(mock.url) });
    mock.reset();
    const rich = await tg.client(10);
    await rich.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(mock.received[0]!.body.max_tokens).toBe(1000); // defaults.max_output_tokens of the test config
    const poor = await tg.client("0.0005");
    const r = await poor.openai.chat.completions
      .create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const clamped = Number(r.response.headers.get("x-tollgate-max-tokens-clamped"));
    expect(clamped).toBeGreaterThan(16);
    expect(mock.received[1]!.body.max_tokens).toBe(clamped);
    await tg.stop();
  });
});

describe("streams that fail", () => {
  test("a stream that opens with an error fails over and the failed attempt is not billed", async () => {
    const broken = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () =>
        new Response('data: {"error":{"message":"The server is overloaded","type":"server_error"}}\n\n', {
          headers: { "content-type": "text/event-stream" },
        }),
    });
    const config = standardConfig(mock.url)
      .replace(
        "models:",
        `  - id: broken\n    kind: openai\n    base_url: http://127.0.0.1:${broken.port}/v1\nmodels:`,
      )
      .replace(
        "routes: [{ provider: mock, model: mock-model }]\n    prices: { input: 1, cached_input: 0.5, output: 2 }",
        "routes: [{ provider: broken, model: b, priority: 1 }, { provider: mock, model: mock-model }]\n    prices: { input: 1, cached_input: 0.5, output: 2 }",
      );
    const tg = await TestGateway.start({ config });
    const c = await tg.client(1);
    const stream = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const ch of stream) text += ch.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Hello from the mock upstream.");
    const [row] = (
      await tg.admin<{ data: { attempts: { provider: string; error?: string }[]; cost: number }[] }>(
        "GET",
        `/requests?key_id=${c.keyId}`,
      )
    ).body.data;
    expect(row!.attempts.map((a) => [a.provider, a.error ?? null])).toEqual([
      ["broken", "upstream_stream_error"],
      ["mock", null],
    ]);
    expect(row!.cost).toBeCloseTo((10 + 3 * 2) / 1e6, 12);
    await tg.stop();
    broken.stop(true);
  });

  test("an upstream that breaks before producing anything bills nothing", async () => {
    const tg = await TestGateway.start({
      config: `${standardConfig(mock.url)}routing: { max_attempts: 1 }\n`,
    });
    const c = await tg.client(1);
    mock.next({ text: "a b c", chunks: 3, dropAfterChunks: 0 });
    const stream = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    await (async () => {
      for await (const _ of stream);
    })().catch(() => null);
    const [row] = (
      await tg.admin<{ data: { outcome: string; cost: number; usage_source: string }[] }>(
        "GET",
        `/requests?key_id=${c.keyId}`,
      )
    ).body.data;
    expect(row).toMatchObject({ outcome: "error", cost: 0, usage_source: "none" });
    await tg.stop();
  });

  test("a Gemini stream cut short on the Gemini surface bills what was produced", async () => {
    const { tg, mocks, stop } = await startMatrix();
    try {
      const k = await tg.client(1);
      mocks.get("gemini")!.next({
        text: Array.from({ length: 40 }, (_, i) => `word${i} `).join(""),
        chunks: 40,
        chunkDelayMs: 40,
      });
      const ac = new AbortController();
      let got = "";
      try {
        const s = await tg.gemini(k.key).models.generateContentStream({
          model: "m-gemini",
          contents: "tell me a story",
          config: { abortSignal: ac.signal },
        });
        for await (const ch of s) {
          got += ch.text ?? "";
          if (got.split(" ").length > 15) ac.abort();
        }
      } catch {
        // aborted
      }
      let rows: { output_tokens: number; outcome: string }[] = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        rows = (await tg.logRows(k.keyId)) as typeof rows;
        await Bun.sleep(20);
      }
      expect(rows[0]!.outcome).toBe("client_closed");
      expect(rows[0]!.output_tokens).toBeGreaterThan(10);
    } finally {
      await stop();
    }
  });
});

test("the ledger lists entries in commit order, so balance_after reads as a chain", async () => {
  const tg = await TestGateway.start({ config: standardConfig(mock.url) });
  const c = await tg.client(1);
  const gw = tg.gw;
  const key = gw.keys.get(c.keyId)!;
  const s = gw.book.settle(gw.book.hold(key, 10), key, 5_000_000, { requestId: "req_a", now: Date.now() });
  const p = gw.commits.enqueue([s.write!]);
  // The top-up is written when credit() returns (SQLite), before the queued charge commits.
  const topup = gw.book.credit(c.accountId, 10_000_000, "topup", null, Date.now() - 1000);
  await Promise.all([p, topup]);
  const entries = (
    await tg.admin<{ data: { amount: number; balance_after: number }[] }>(
      "GET",
      `/accounts/${c.accountId}/ledger`,
    )
  ).body.data.reverse();
  for (let i = 1; i < entries.length; i++) {
    expect(entries[i]!.balance_after).toBeCloseTo(entries[i - 1]!.balance_after + entries[i]!.amount, 9);
  }
  await tg.stop();
});
