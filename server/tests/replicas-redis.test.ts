/**
 * Several real gateway processes (`bun server/main.ts`, loopback, port 0) sharing one real
 * redis-server, each on its own copy of one seeded SQLite folder (SQLite cannot be shared;
 * docs/scale-out.md): what Redis alone guarantees across processes. A rate limit of 10 per
 * minute holds in total across three replicas; an Idempotency-Key in flight on one replica is
 * refused on the others; Redis stopped under load gives clear retryable 503s (and /ready 503)
 * while it is away, and every replica serves again once it is back.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PROVIDER_SECRET } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import type { Spawned } from "../testing/process.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { type Seeded, seedBooks, spawnReplicas } from "../testing/replicas.ts";

let redis: RedisServer;
let mock: MockOpenAI;
let books: Seeded<{ limited: string; busy: string }>;
let replicas: Spawned[];

beforeAll(async () => {
  mock = new MockOpenAI().start();
  redis = await startRedis();
  const config = `
currency: USD
defaults:
  rate_limits: { key_rpm: 10 }
  max_output_tokens: 100
providers:
  - { id: mock, kind: openai, base_url: ${mock.url}, api_key: ${PROVIDER_SECRET} }
models:
  - { id: priced, routes: [{ provider: mock, model: m }], prices: { input: 1, output: 2 } }
`;
  books = await seedBooks(config, async (tg) => {
    const accountId = await tg.account("shared", 1000);
    const limited = (await tg.key(accountId)).key;
    const busy = (await tg.key(accountId, { rpm_limit: 1_000_000 })).key;
    return { limited, busy };
  });
  replicas = await spawnReplicas(books.copies(3), redis.url);
}, 90_000);

afterAll(async () => {
  await Promise.all((replicas ?? []).map((r) => r.stop()));
  await redis?.stop();
  mock?.stop();
  books?.remove();
});

async function chat(url: string, key: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "priced", messages: [{ role: "user", content: "hi" }] }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, code: body.error?.code ?? null, retryAfter: res.headers.get("retry-after") };
}

test("a rate limit of 10 per minute holds in total across three replicas", async () => {
  const calls = Array.from({ length: 45 }, (_, i) =>
    chat((replicas[i % 3] as Spawned).url, books.seed.limited),
  );
  const results = await Promise.all(calls);
  expect(results.filter((r) => r.status === 200)).toHaveLength(10);
  expect(results.filter((r) => r.status === 429 && r.code === "rate_limit_exceeded")).toHaveLength(35);
}, 30_000);

test("an Idempotency-Key in flight on one replica is refused on the other two", async () => {
  const [a, b, c] = replicas as [Spawned, Spawned, Spawned];
  mock.next({ delayMs: 500 });
  const first = chat(a.url, books.seed.busy, { "idempotency-key": "across-replicas" });
  await Bun.sleep(150);
  const others = await Promise.all(
    [b, c].map((r) => chat(r.url, books.seed.busy, { "idempotency-key": "across-replicas" })),
  );
  expect(others.map((r) => [r.status, r.code])).toEqual([
    [409, "idempotency_in_progress"],
    [409, "idempotency_in_progress"],
  ]);
  expect((await first).status).toBe(200);
}, 30_000);

test("Redis stopped under load: clear retryable 503s and /ready 503 while away; all replicas serve after", async () => {
  const seen: { phase: string; status: number; code: string | null; retryAfter: string | null }[] = [];
  let phase = "before";
  let running = true;
  const worker = async (i: number) => {
    while (running) {
      const r = await chat((replicas[i % 3] as Spawned).url, books.seed.busy);
      seen.push({ phase, ...r });
    }
  };
  const load = Array.from({ length: 6 }, (_, i) => worker(i));
  await Bun.sleep(300);
  phase = "down";
  await redis.down();
  await Bun.sleep(700);
  const ready = await Promise.all(replicas.map(async (r) => (await fetch(`${r.url}/ready`)).status));
  phase = "restarting";
  await redis.up();
  // Every replica reconnects (Bun's client, then the watchdog within a second).
  for (const r of replicas)
    for (let i = 0; i < 60 && (await fetch(`${r.url}/ready`)).status !== 200; i++) await Bun.sleep(100);
  phase = "after";
  await Bun.sleep(500);
  running = false;
  await Promise.all(load);

  expect(ready).toEqual([503, 503, 503]);
  const by = (p: string) => seen.filter((s) => s.phase === p);
  expect(by("before").length).toBeGreaterThan(0);
  expect(by("before").every((s) => s.status === 200)).toBe(true);
  // While Redis is away, nothing but answers and clear, retryable refusals.
  const down = by("down");
  expect(down.some((s) => s.status === 503)).toBe(true);
  for (const s of down.filter((x) => x.status !== 200))
    expect(s).toMatchObject({ status: 503, code: "shared_state_unavailable", retryAfter: "1" });
  expect(by("after").length).toBeGreaterThan(0);
  expect(by("after").every((s) => s.status === 200)).toBe(true);
}, 60_000);
