/**
 * `/auth/me` and the portal's account summary on two real gateway processes over one
 * PostgreSQL and one Redis (docs/scale-out.md, "Figures on read routes"): calls spread over
 * both replicas, then either replica reports the deployment's requests, tokens and what
 * remains of the day's limit, read from the plan's and the key's windows in Redis; with
 * Redis not answering, each answers within its deadline with its own counts, marked so.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { adminCall, type PgReplicaSet, startPgReplicaSet } from "../testing/pg-replica-set.ts";
import type { Spawned } from "../testing/process.ts";
import { pricedReplicaConfig } from "../testing/replicas.ts";

let set: PgReplicaSet;
let replicas: Spawned[];

beforeAll(async () => {
  set = await startPgReplicaSet({
    database: "me_figures",
    n: 2,
    config: (mockUrl) => `${pricedReplicaConfig(mockUrl)}
plans:
  - { id: metered, name: Metered, requests_per_day: 100, tokens_per_day: 1000000, concurrent_requests: 10 }
`,
  });
  replicas = set.replicas;
}, 120_000);

afterAll(() => set?.stop());

type Me = {
  usage: {
    requestsToday: number;
    tokensToday: number;
    limit: number | null;
    remaining: number | null;
    scope?: Record<string, string | null>;
  };
};

let accounts = 0;
/** An account on the plan `metered` with a key whose own day limit is `daily`, seen by both replicas. */
async function meteredAccount(daily: number) {
  const first = replicas[0] as Spawned;
  const acct = await adminCall<{ id: string }>(first.url, "POST", "/accounts", {
    name: `me${++accounts}`,
    balance: 10,
  });
  await adminCall(first.url, "PUT", `/accounts/${acct.id}/plan`, { plan_id: "metered" });
  const key = await adminCall<{ key: string }>(first.url, "POST", "/keys", {
    account_id: acct.id,
    name: "k",
    daily_request_limit: daily,
  });
  await Bun.sleep(1000); // every replica reloads within a second
  return { id: acct.id, key: key.key };
}

/** One priced call on `r`; its tokens as the upstream reported them. */
async function chat(r: Spawned, key: string): Promise<number> {
  const sdk = new OpenAI({ apiKey: key, baseURL: `${r.url}/v1`, maxRetries: 0 });
  const res = await sdk.chat.completions.create({
    model: "priced",
    messages: [{ role: "user", content: "hi" }],
  });
  return (res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0);
}

async function me(r: Spawned, key: string): Promise<Me> {
  const res = await fetch(`${r.url}/auth/me`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Me;
}

/**
 * `/auth/me` on `r` once the tokens of every row are in (a row's tokens reach Redis after
 * its commit, in the background): polls until `tokens`, at most five seconds.
 */
async function meOnceCounted(r: Spawned, key: string, tokens: number): Promise<Me> {
  let m = await me(r, key);
  for (let i = 0; i < 100 && m.usage.tokensToday < tokens; i++) {
    await Bun.sleep(50);
    m = await me(r, key);
  }
  return m;
}

test("calls spread over two replicas: /auth/me on either reports the deployment's requests and tokens", async () => {
  const { key } = await meteredAccount(1000);
  const [a, b] = replicas as [Spawned, Spawned];
  let tokens = 0;
  for (const r of [a, a, a, b, b]) tokens += await chat(r, key);
  expect(tokens).toBeGreaterThan(0);
  for (const r of [a, b]) {
    const m = await meOnceCounted(r, key, tokens);
    expect(m.usage).toMatchObject({
      requestsToday: 5,
      tokensToday: tokens,
      // The plan's 100 a day binds (the key's own is 1000): 95 left across the deployment.
      limit: 100,
      remaining: 95,
      scope: { requestsToday: "deployment", tokensToday: "deployment", remaining: "deployment" },
    });
  }
}, 60_000);

test("the key's own day limit counts the deployment's requests too", async () => {
  const { key } = await meteredAccount(4);
  const [a, b] = replicas as [Spawned, Spawned];
  for (const r of [a, b, b]) await chat(r, key);
  for (const r of [a, b]) expect((await me(r, key)).usage).toMatchObject({ limit: 4, remaining: 1 });
}, 60_000);

test("the portal's account summary (the admin's view as owner) reports the deployment's day", async () => {
  const { id, key } = await meteredAccount(1000);
  const [a, b] = replicas as [Spawned, Spawned];
  let tokens = 0;
  for (const r of [a, b, b, b]) tokens += await chat(r, key);
  await meOnceCounted(a, key, tokens);
  for (const r of [a, b]) {
    const s = await adminCall<{ today: Record<string, unknown> }>(r.url, "GET", `/portal/accounts/${id}`);
    expect(s.today).toMatchObject({
      requests: 4,
      tokens,
      concurrent: 0,
      scope: { requests: "deployment", tokens: "deployment", concurrent: "deployment" },
    });
  }
}, 60_000);

test("Redis not answering: /auth/me answers with this replica's own counts, marked as such", async () => {
  const { key } = await meteredAccount(1000);
  const [a, b] = replicas as [Spawned, Spawned];
  let tokens = 0;
  for (const r of [a, b, b]) tokens += await chat(r, key);
  await meOnceCounted(a, key, tokens);
  set.redis.pause();
  try {
    const m = await me(a, key);
    expect(m.usage).toMatchObject({
      requestsToday: 1,
      limit: 100,
      remaining: 99,
      scope: { requestsToday: "replica", tokensToday: "replica", remaining: "replica" },
    });
  } finally {
    set.redis.resume();
  }
}, 60_000);
