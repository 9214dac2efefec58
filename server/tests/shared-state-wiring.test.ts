/**
 * TOLLGATE_REDIS wires the shared state into the request path (docs/scale-out.md): two
 * gateways (each on its own copy of one seeded SQLite folder, so one API key works on both)
 * share a real redis-server started here. Rate windows hold in total and a refused request
 * counts nothing; an Idempotency-Key in flight on one is refused on the other; failures on
 * one open the route's breaker for the other; an admin change on one (or a CLI command)
 * reaches the other as an invalidation message. With Redis stopped: free models are served
 * within the replica's share, priced ones and idempotency claims get a retryable 503, the
 * breakers fall back to local state, and all of it is counted.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RedisClient } from "bun";
import { ADMIN_TOKEN, PROVIDER_SECRET, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { runCliProcess } from "../testing/process.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { type Seeded, seedBooks } from "../testing/replicas.ts";

let redis: RedisServer;
let primary: MockOpenAI;
let secondary: MockOpenAI;
let books: Seeded<{ key: string; accountId: string; plans: Record<"rpm" | "conc" | "tok", string> }>;
let a: TestGateway;
let b: TestGateway;
let config: string;

const provider = (id: string, url: string) =>
  `  - { id: ${id}, kind: openai, base_url: ${url}, api_key: ${PROVIDER_SECRET}, timeouts: { connect_ms: 1000, first_byte_ms: 2000, total_ms: 5000 } }\n`;

beforeAll(async () => {
  primary = new MockOpenAI().start();
  secondary = new MockOpenAI().start();
  redis = await startRedis();
  config = `
currency: USD
defaults:
  rate_limits: { key_rpm: 10 }
  max_output_tokens: 100
routing:
  max_attempts: 2
  expose_route_headers: true
  backoff: { base_ms: 10, max_ms: 50 }
  retry_budget: { ratio: 1, min_per_second: 100 }
  circuit_breaker: { failure_threshold: 3, recovery_timeout_ms: 60000 }
providers:
${provider("primary", primary.url)}${provider("secondary", secondary.url)}
models:
  - id: priced
    routes: [{ provider: secondary, model: m }]
    prices: { input: 1, output: 2 }
  - id: free
    routes: [{ provider: secondary, model: m }]
    prices: { input: 0, output: 0 }
  - id: ha
    routes:
      - { provider: primary, model: p, priority: 1 }
      - { provider: secondary, model: s, priority: 0 }
    prices: { input: 0, output: 0 }
`;
  books = await seedBooks(config, async (tg) => {
    const accountId = await tg.account("shared", 100);
    const k = await tg.key(accountId, { rpm_limit: 10 });
    // One account per plan limit, each with a key whose own limit is out of the way.
    const plans = {
      rpm: { requests_per_minute: 4 },
      conc: { concurrent_requests: 2 },
      tok: { tokens_per_day: 1 },
    };
    const keys: Record<string, string> = {};
    for (const [id, limits] of Object.entries(plans)) {
      expect((await tg.admin("POST", "/plans", { id, name: `Plan ${id}`, ...limits })).status).toBe(201);
      const acct = await tg.account(`on-${id}`, 100);
      expect((await tg.admin("PUT", `/accounts/${acct}/plan`, { plan_id: id })).status).toBe(200);
      keys[id] = (await tg.key(acct, { rpm_limit: 1000 })).key;
    }
    return { key: k.key, accountId, plans: keys as Record<"rpm" | "conc" | "tok", string> };
  });
  const [da, db] = books.copies(2) as [string, string];
  const env = { TOLLGATE_REDIS: redis.url };
  [a, b] = (await Promise.all(
    [da, db].map((dir) => TestGateway.start({ dir, env, config, engine: "sqlite" })),
  )) as [TestGateway, TestGateway];
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  primary?.stop();
  secondary?.stop();
  books?.remove();
});

/** A chat call with the seeded key (or `key`); the response, with its JSON body. */
async function chat(
  tg: TestGateway,
  model: string,
  headers: Record<string, string> = {},
  key = books.seed.key,
) {
  const res = await fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  return { status: res.status, code: body.error?.code ?? null, headers: res.headers, body };
}

/** The CLI as its own process on the seed folder, with TOLLGATE_REDIS. */
const cli = (args: string[]) =>
  runCliProcess(args, {
    TOLLGATE_DB: join(books.dir, "tollgate.db"),
    TOLLGATE_CONFIG: join(books.dir, "tollgate.yaml"),
    TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    TOLLGATE_REDIS: redis.url,
  });

/** A connection of the test's own, to look at what the gateways keep in Redis. */
async function inspect(): Promise<RedisClient> {
  const c = new RedisClient(redis.url);
  await c.connect();
  return c;
}

async function redisDetails(tg: TestGateway) {
  const res = await fetch(`${tg.url}/health/detailed`);
  return ((await res.json()) as { components: { redis: { details: Record<string, unknown> } } }).components
    .redis.details;
}

/** A fresh key on both replicas is impossible on SQLite (separate books): windows start clean instead. */
async function clearWindows() {
  const c = await inspect();
  try {
    await c.send("FLUSHALL", []);
  } finally {
    c.close();
  }
}

describe("rate windows in Redis", () => {
  test("10 per minute holds in total across two gateways; the refused requests count nothing", async () => {
    await clearWindows();
    const calls = Array.from({ length: 30 }, (_, i) => chat(i % 2 ? a : b, "priced"));
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const c = await inspect();
    try {
      const keys = (await c.send("KEYS", [`tg:{${books.seed.accountId}}:rl:k:*`])) as string[];
      expect(keys).toHaveLength(1);
      expect(await c.get(keys[0] as string)).toBe("10");
    } finally {
      c.close();
    }
    // Both gateways report the shared storage.
    expect(
      ((await (await fetch(`${a.url}/health`)).json()) as { rate_limit_storage: string }).rate_limit_storage,
    ).toBe("redis");
  });
});

describe("account plans' limits in Redis", () => {
  const messageOf = (r: Awaited<ReturnType<typeof chat>>) => r.body.error?.message ?? "";

  test("requests per minute hold in total across two gateways", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => chat(i % 2 ? a : b, "free", {}, books.seed.plans.rpm)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(6);
    expect(messageOf(refused[0] as Awaited<ReturnType<typeof chat>>)).toContain(
      "4 requests per minute on the Plan rpm plan",
    );
  });

  test("concurrent requests hold in total; a finished request frees its slot", async () => {
    secondary.next({ delayMs: 400 }, { delayMs: 400 });
    const slow = [chat(a, "free", {}, books.seed.plans.conc), chat(b, "free", {}, books.seed.plans.conc)];
    await Bun.sleep(150);
    const third = await chat(a, "free", {}, books.seed.plans.conc);
    expect(third.status).toBe(429);
    expect(messageOf(third)).toContain("2 concurrent requests on the Plan conc plan");
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await chat(b, "free", {}, books.seed.plans.conc)).status;
      if (status !== 200) await Bun.sleep(50);
    }
    expect(status).toBe(200);
  });

  test("tokens per day: the tokens used on one gateway refuse the next request on the other", async () => {
    expect((await chat(a, "free", {}, books.seed.plans.tok)).status).toBe(200);
    let refused: Awaited<ReturnType<typeof chat>> | null = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await chat(b, "free", {}, books.seed.plans.tok);
      if (r.status === 429) refused = r;
      else await Bun.sleep(50);
    }
    expect(refused && messageOf(refused)).toContain("1 tokens per day on the Plan tok plan");
  });
});

describe("Idempotency-Key claims in Redis", () => {
  test("a key in flight on one gateway is refused on the other (409); done, it replays where it was stored", async () => {
    await clearWindows();
    secondary.next({ delayMs: 400 });
    const first = chat(a, "priced", { "idempotency-key": "order-7" });
    await Bun.sleep(100);
    const other = await chat(b, "priced", { "idempotency-key": "order-7" });
    expect(other).toMatchObject({ status: 409, code: "idempotency_in_progress" });
    const done = await first;
    expect(done.status).toBe(200);
    const replay = await chat(a, "priced", { "idempotency-key": "order-7" });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(done.body);
    // The claim was released after the commit: no marker is left in Redis.
    const c = await inspect();
    try {
      expect(await c.send("KEYS", ["tg:idem:*"])).toEqual([]);
    } finally {
      c.close();
    }
  });
});

describe("breakers in Redis", () => {
  test("failures on one gateway open the route for the other", async () => {
    await clearWindows();
    primary.always({ status: 500 });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await chat(a, "ha");
        expect(r.status).toBe(200);
        expect(r.headers.get("x-tollgate-route")).toBe("secondary:s");
      }
      const seen = primary.received.length;
      expect(seen).toBe(3);
      const r = await chat(b, "ha");
      expect(r.headers.get("x-tollgate-route")).toBe("secondary:s");
      expect(primary.received.length).toBe(seen); // b never tried the open route
      const cb = (await (await fetch(`${b.url}/health/circuit-breakers`)).json()) as {
        circuit_breakers: Record<string, { state: string; failure_count: number }>;
      };
      expect(cb.circuit_breakers["primary:p"]).toMatchObject({ state: "open", failure_count: 3 });
    } finally {
      primary.always({});
    }
  });
});

describe("invalidation", () => {
  /** Waits until `tg` has seen `n` more invalidations than `before` (message or poll). */
  async function seenMore(tg: TestGateway, before: number) {
    const inv = tg.gw.shared?.invalidation;
    for (let i = 0; i < 40 && inv && inv.stats.messages + inv.stats.polls <= before; i++) await Bun.sleep(50);
    return inv ? inv.stats.messages + inv.stats.polls : -1;
  }
  const count = (tg: TestGateway) => {
    const s = tg.gw.shared?.invalidation.stats;
    return s ? s.messages + s.polls : -1;
  };

  test("an admin change on one gateway reaches the other within a second; a read does not", async () => {
    const before = count(b);
    const r = await a.admin("POST", "/accounts", { name: "made-on-a", balance: 1 });
    expect(r.status).toBe(201);
    expect(await seenMore(b, before)).toBeGreaterThan(before);
    const after = count(b);
    await a.admin("GET", "/accounts");
    await Bun.sleep(300);
    expect(count(b)).toBe(after);
  });

  test("a CLI command publishes too", async () => {
    const before = count(b);
    const run = await cli(["accounts", "create", "--name", "from-cli"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(await seenMore(b, before)).toBeGreaterThan(before);
  }, 30_000);
});

describe("Redis stopped", () => {
  afterAll(async () => {
    await redis.up();
  });

  test("priced: retryable 503; free: served within the share; claims: 503; breakers: local; counted; back after", async () => {
    await redis.down();
    const priced = await chat(a, "priced");
    expect(priced).toMatchObject({ status: 503, code: "shared_state_unavailable" });
    expect(priced.headers.get("retry-after")).toBe("1");

    // TOLLGATE_REPLICAS=1 here (SQLite): the share is the whole limit, counted on this replica.
    const free = await Promise.all(Array.from({ length: 12 }, () => chat(a, "free")));
    expect(free.filter((r) => r.status === 200)).toHaveLength(10);
    expect(free.filter((r) => r.status === 429)).toHaveLength(2);

    const claimed = await chat(b, "free", { "idempotency-key": "while-down" });
    expect(claimed).toMatchObject({ status: 503, code: "shared_state_unavailable" });

    // Redis cannot be asked: b decides on its own breakers. Past the 1 s a healthy route is
    // trusted without asking (shared-breaker.ts freshMs), so the attempt asks, and falls back.
    await Bun.sleep(1100);
    const ha = await chat(b, "ha");
    expect(ha.status).toBe(200);
    const details = await redisDetails(b);
    expect(details.connected).toBe(false);
    expect(details.breaker_fallbacks).toBeGreaterThan(0);
    expect((await redisDetails(a)).narrow_admits).toBe(10);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toContain('tollgate_shared_state_fallbacks_total{kind="narrow_admit"} 10');

    // A CLI command still works; it says the other replicas were not told.
    const run = await cli(["accounts", "create", "--name", "while-down"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("could not publish the change");

    await redis.up();
    for (let i = 0; i < 60 && (await fetch(`${a.url}/ready`)).status !== 200; i++) await Bun.sleep(100);
    expect((await chat(a, "priced")).status).toBe(200);
  }, 30_000);
});

describe("Redis paused (connections open, nothing answers)", () => {
  afterAll(() => {
    redis.resume();
  });

  test("requests do not hang on it: priced 503 after the deadline, free served; normal once it answers", async () => {
    redis.pause();
    // Without a deadline this would wait for TCP to give up (the test's timeout first).
    const priced = await chat(a, "priced");
    expect(priced).toMatchObject({ status: 503, code: "shared_state_unavailable" });
    expect((await chat(b, "free")).status).toBe(200);
    redis.resume();
    let status = 0;
    for (let i = 0; i < 30 && status !== 200; i++) {
      status = (await chat(a, "priced")).status;
      if (status !== 200) await Bun.sleep(100);
    }
    expect(status).toBe(200);
  }, 30_000);
});

test("after Redis was stopped and came back, changes arrive by message again (re-subscribed)", async () => {
  const inv = b.gw.shared?.invalidation;
  if (!inv) throw new Error("b has no shared state");
  let messages = inv.stats.messages;
  // Let the poll (1 s) see Redis back and the watchdog reconnect the subscriber.
  for (let i = 0; i < 50; i++) {
    messages = inv.stats.messages;
    expect((await a.admin("POST", "/accounts", { name: `after-${i}`, balance: 1 })).status).toBe(201);
    await Bun.sleep(100);
    if (inv.stats.messages > messages) break;
  }
  expect(inv.stats.messages).toBeGreaterThan(messages);
}, 30_000);
