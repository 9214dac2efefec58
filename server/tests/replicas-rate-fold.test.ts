/**
 * A priced call's rate windows decided in its reservation's script (docs/scale-out.md, "Rate
 * windows folded into the reservation"), on three real gateway processes over one PostgreSQL
 * and one Redis: one script before the upstream and one per batch after; a limit of 10 per
 * minute still holds in total across the replicas; a window that refuses holds nothing; a
 * reservation Redis refuses for money counts nothing in the windows; a client over its limit
 * is refused from what Redis last reported, before its body is read and without a script.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PROVIDER_SECRET } from "../testing/harness.ts";
import { adminCall, type PgReplicaSet, startPgReplicaSet } from "../testing/pg-replica-set.ts";
import type { Spawned } from "../testing/process.ts";

let set: PgReplicaSet;
let replicas: Spawned[];

beforeAll(async () => {
  set = await startPgReplicaSet({
    database: "rate_fold",
    n: 3,
    config: (mockUrl) => `
currency: USD
defaults:
  rate_limits: { key_rpm: 10 }
  max_output_tokens: 100
providers:
  - { id: mock, kind: openai, base_url: ${mockUrl}, api_key: ${PROVIDER_SECRET} }
models:
  - { id: priced, routes: [{ provider: mock, model: m }], prices: { input: 1, output: 2 } }
  - { id: free, routes: [{ provider: mock, model: m }], prices: { input: 0, output: 0 } }
`,
  });
  replicas = set.replicas;
}, 120_000);

afterAll(() => set?.stop());

let accounts = 0;
/** An account with `balance` (currency units) and a key on it (`rpm`: its own limit), seen by every replica. */
async function account(balance: number, rpm?: number): Promise<{ id: string; keyId: string; key: string }> {
  const first = replicas[0] as Spawned;
  const acct = await adminCall<{ id: string }>(first.url, "POST", "/accounts", {
    name: `fold${++accounts}`,
    balance,
  });
  const key = await adminCall<{ id: string; key: string }>(first.url, "POST", "/keys", {
    account_id: acct.id,
    name: "k",
    ...(rpm === undefined ? {} : { rpm_limit: rpm }),
  });
  await Bun.sleep(1000); // every replica reloads within a second
  return { id: acct.id, keyId: key.id, key: key.key };
}

async function chat(r: Spawned, key: string, body?: string, model = "priced") {
  const res = await fetch(`${r.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body ?? JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  const json = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, code: json.error?.code ?? null, limit: res.headers.get("x-ratelimit-limit") };
}

/** Scripts Redis has run (EVALSHA and EVAL), from INFO commandstats. */
async function scripts(): Promise<number> {
  const info = String(await set.probe.send("INFO", ["commandstats"]));
  let n = 0;
  for (const m of info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)) n += Number(m[2]);
  return n;
}

/** The key's requests-per-minute counter in Redis (its current window), 0 when none was counted. */
async function counted(accountId: string, keyId: string): Promise<number> {
  const keys = (await set.probe.send("KEYS", [`tg:{${accountId}}:rl:k:${keyId}:*`])) as string[];
  let n = 0;
  for (const k of keys) n += Number((await set.probe.get(k)) ?? 0);
  return n;
}

/** What Redis holds for the account, once the background releases landed. */
async function held(accountId: string): Promise<{ reserved: string | null; holds: number }> {
  for (let i = 0; i < 100; i++) {
    if ((await set.probe.hget(`tg:{${accountId}}:acct`, "reserved")) === "0") break;
    await Bun.sleep(50);
  }
  return {
    reserved: await set.probe.hget(`tg:{${accountId}}:acct`, "reserved"),
    holds: Number(await set.probe.send("ZCARD", [`tg:{${accountId}}:holds`])),
  };
}

test("a priced call runs one script before the upstream and shares the release after: 2 per call, not 3", async () => {
  const { id, key } = await account(1, 1_000_000);
  const r = replicas[0] as Spawned;
  expect((await chat(r, key)).status).toBe(200); // the mirror loaded
  await Bun.sleep(300);
  const before = await scripts();
  const N = 20;
  for (let i = 0; i < N; i++) expect((await chat(r, key)).status).toBe(200);
  await held(id);
  // Sequential calls, so a batch is one call: a reservation with its windows, and a release.
  // (A lease renewal may tick once while a call is open.)
  const per = ((await scripts()) - before) / N;
  expect(per).toBeGreaterThanOrEqual(2);
  expect(per).toBeLessThan(2.5);
}, 30_000);

test("10 per minute holds in total across three replicas when the windows go with the reservation", async () => {
  const { id, keyId, key } = await account(1);
  const results = await Promise.all(
    Array.from({ length: 45 }, (_, i) => chat(replicas[i % 3] as Spawned, key)),
  );
  expect(results.filter((r) => r.status === 200)).toHaveLength(10);
  const limited = results.filter((r) => r.status === 429);
  expect(limited).toHaveLength(35);
  for (const r of limited) expect(r).toMatchObject({ code: "rate_limit_exceeded", limit: "10" });
  // The admitted carry their window's headers, from the reservation's script.
  for (const r of results.filter((x) => x.status === 200)) expect(r.limit).toBe("10");
  expect(await counted(id, keyId)).toBe(10);
  // The 35 refused by a window hold nothing.
  expect(await held(id)).toEqual({ reserved: "0", holds: 0 });
}, 30_000);

test("free models keep their own admission: counted in the same windows, no reservation needed", async () => {
  const { id, keyId, key } = await account(1, 3);
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) => chat(replicas[i % 3] as Spawned, key, undefined, "free")),
  );
  expect(results.filter((r) => r.status === 200)).toHaveLength(3);
  expect(results.filter((r) => r.status === 429)).toHaveLength(3);
  expect(await counted(id, keyId)).toBe(3);
}, 30_000);

test("a reservation Redis refuses for money counts nothing in the rate windows", async () => {
  // 0.0001 USD: the first call's hold (clamped to what is free) takes all of it.
  const { id, keyId, key } = await account(0.0001, 100);
  const [a, b] = replicas as [Spawned, Spawned];
  set.mock.always({ delayMs: 600 });
  try {
    const first = chat(a, key);
    await Bun.sleep(250);
    // b's own view still shows the whole balance: Redis refuses it (a's hold), and refuses again on re-planning.
    const second = await chat(b, key);
    expect(second).toMatchObject({ status: 402, code: "insufficient_quota" });
    expect((await first).status).toBe(200);
  } finally {
    set.mock.always({});
  }
  expect(await counted(id, keyId)).toBe(1);
  expect((await held(id)).reserved).toBe("0");
}, 30_000);

test("a client over its limit is refused from what Redis last reported: before its body is read, no script", async () => {
  const { id, key } = await account(1, 2);
  const r = replicas[2] as Spawned;
  expect((await chat(r, key)).status).toBe(200);
  expect((await chat(r, key)).status).toBe(200);
  // Redis refuses the third (the reservation's script): nothing held.
  expect(await chat(r, key)).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
  expect(await held(id)).toEqual({ reserved: "0", holds: 0 });
  // From now on this replica refuses the key itself: a body it would refuse (not JSON) is never read.
  const before = await scripts();
  expect(await chat(r, key, "{not json")).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
  expect(await chat(r, key)).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
  expect(await scripts()).toBe(before);
}, 30_000);
