import { describe, expect, test } from "bun:test";
import { standardConfig, TestGateway, withGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

withGateway(
  (url) => standardConfig(url),
  (m, t) => {
    mock = m;
    tg = t;
  },
);

type Row = {
  cost: number;
  status: number;
  outcome: string;
  output_tokens: number;
  input_tokens: number;
  usage_source: string;
  error_code: string | null;
};
const rowsOf = async (keyId: string) =>
  (await tg.admin<{ data: Row[] }>("GET", `/requests?key_id=${keyId}&limit=500`)).body.data;
const accountOf = async (id: string) =>
  (await tg.admin<{ balance: number; used: number; reserved: number }>("GET", `/accounts/${id}`)).body;
const nano = (x: number) => Math.round(x * 1e9);

describe("billing is exact under concurrency and failure", () => {
  test("50 parallel requests against a balance that covers 10: never negative, equals opening minus logged costs", async () => {
    // Each request reserves its body's byte bound at 1/1M plus max_tokens 100 at 2/1M:
    // about (100 + 200) / 1M. The balance covers ten such reservations.
    const c = await tg.client("0.003");
    mock.always({ delayMs: 150 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        c.openai.chat.completions.create({
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 100,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter(
      (r) => r.status === "rejected" && (r.reason as { status: number }).status === 402,
    ).length;
    expect(ok + refused).toBe(50);
    expect(ok).toBeGreaterThanOrEqual(8);
    expect(ok).toBeLessThanOrEqual(12);
    expect(mock.received.length).toBe(ok);
    const acct = await accountOf(c.accountId);
    const rows = await rowsOf(c.keyId);
    expect(rows).toHaveLength(50);
    const logged = rows.reduce((s, r) => s + nano(r.cost), 0);
    expect(acct.balance).toBeGreaterThanOrEqual(0);
    expect(acct.reserved).toBe(0);
    expect(nano(acct.balance)).toBe(nano(0.003) - logged);
    expect(
      rows
        .filter((r) => r.status === 402)
        .every((r) => r.cost === 0 && r.error_code === "insufficient_quota"),
    ).toBe(true);
  });

  test("a key's own spend limit caps it even when the account has more", async () => {
    // Each call costs 16,000 nano-units (10 prompt + 3 output tokens); the cap allows a dozen or so.
    const c = await tg.client(100, { spend_limit: "0.0002" });
    mock.always({});
    const codes: number[] = [];
    for (let i = 0; i < 30 && codes.at(-1) !== 402; i++) {
      const r = await c.openai.chat.completions
        .create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }], max_tokens: 20 })
        .then(
          () => 200,
          (e: { status: number }) => e.status,
        );
      codes.push(r);
    }
    expect(codes.filter((x) => x === 200).length).toBeGreaterThan(3);
    expect(codes.at(-1)).toBe(402);
    const bal = await (
      await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${c.key}` } })
    ).json();
    expect(bal.token.unlimited_quota).toBe(false);
    expect(bal.token.used).toBeLessThanOrEqual(0.0002);
    expect(bal.token.used).toBeCloseTo(codes.filter((x) => x === 200).length * 0.000016, 9);
    expect(bal.token.remaining).toBeCloseTo(0.0002 - bal.token.used, 9);
    expect(bal.balance).toBeCloseTo(100 - bal.token.used, 9);
  });

  test("client disconnects mid-stream: upstream aborted within 100 ms, prompt and delivered tokens billed, logged client-closed", async () => {
    const c = await tg.client(1);
    mock.next({
      text: Array.from({ length: 40 }, (_, i) => `word${i} `).join(""),
      chunks: 40,
      chunkDelayMs: 100,
      omitUsage: true,
    });
    const ac = new AbortController();
    const stream = await c.openai.chat.completions.create(
      { model: "gpt-test", messages: [{ role: "user", content: "tell me a long story" }], stream: true },
      { signal: ac.signal },
    );
    let received = "";
    let abortedAt = 0;
    try {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta?.content ?? "";
        if (received.split(" ").length > 3) {
          abortedAt = performance.now();
          ac.abort();
        }
      }
    } catch {
      // the SDK throws on abort
    }
    expect(abortedAt).toBeGreaterThan(0);
    for (let i = 0; i < 50 && mock.aborts.length === 0; i++) await Bun.sleep(10);
    expect(mock.aborts.length).toBeGreaterThan(0);
    expect(mock.aborts[0]!.at - abortedAt).toBeLessThan(100);
    let rows: Row[] = [];
    for (let i = 0; i < 50; i++) {
      rows = await rowsOf(c.keyId);
      if (rows.length) break;
      await Bun.sleep(10);
    }
    const [row] = rows;
    expect(row).toMatchObject({
      status: 499,
      outcome: "client_closed",
      usage_source: "estimated",
      error_code: "client_closed",
    });
    expect(row!.output_tokens).toBeGreaterThanOrEqual(3);
    expect(row!.output_tokens).toBeLessThan(20);
    expect(row!.input_tokens).toBeGreaterThan(0);
    expect(row!.cost).toBeGreaterThan(0);
    const acct = await accountOf(c.accountId);
    expect(nano(acct.balance)).toBe(nano(1) - nano(row!.cost));
    expect(acct.reserved).toBe(0);
  });
});

describe("restart", () => {
  test("a restart on the same database keeps balances, ledger and logs", async () => {
    const local = new MockOpenAI().start();
    const first = await TestGateway.start({ config: standardConfig(local.url) });
    const c = await first.client(3);
    for (let i = 0; i < 3; i++)
      await c.openai.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: "hi" }],
      });
    const before = (await first.admin<{ balance: number; used: number }>("GET", `/accounts/${c.accountId}`))
      .body;
    const ledger = (await first.admin<{ total: number }>("GET", `/accounts/${c.accountId}/ledger`)).body
      .total;
    await first.stop();

    const second = await TestGateway.start({ config: standardConfig(local.url), dir: first.dir });
    const after = (
      await second.admin<{ balance: number; used: number; reserved: number }>(
        "GET",
        `/accounts/${c.accountId}`,
      )
    ).body;
    expect(after).toMatchObject({ balance: before.balance, used: before.used, reserved: 0 });
    expect((await second.admin<{ total: number }>("GET", `/accounts/${c.accountId}/ledger`)).body.total).toBe(
      ledger,
    );
    expect((await second.admin<{ total: number }>("GET", `/requests?key_id=${c.keyId}`)).body.total).toBe(3);
    // The key still works, the config apply did not top the account up again.
    const again = second.openai(c.key);
    await again.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
    expect(
      (await second.admin<{ balance: number }>("GET", `/accounts/${c.accountId}`)).body.balance,
    ).toBeLessThan(before.balance);
    await second.stop();
    local.stop();
  });
});
