/**
 * /health, /ready, /health/detailed and /metrics report the shared stores (docs/scale-out.md):
 * with TOLLGATE_REDIS set (here on a SQLite deployment) a `redis` component in the LLM
 * Gateway reference's shape and `rate_limit_storage: "redis"`; a real redis-server stopped
 * takes the replica out of /ready (503) and back in once it answers again, also when it was
 * not up when the gateway started. Without TOLLGATE_REDIS nothing of this appears.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";

let redis: RedisServer;
let mock: MockOpenAI;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  mock?.stop();
});

type Check = { status: string; message: string; details: Record<string, unknown>; duration_ms: number };
type Body = {
  status: string;
  ready: boolean;
  rate_limit_storage: string;
  checks: Record<string, boolean>;
  components: Record<string, string>;
  history: { name: string; status: string }[];
};
type Detailed = { status: string; components: Record<string, Check> };

const json = async <T = Body>(url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
};

/** The value of one metric series in the Prometheus text, or undefined. */
async function metric(tg: TestGateway, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${tg.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Polls /ready until it answers `status` (the watchdog reconnects within about a second). */
async function readyBecomes(tg: TestGateway, status: number) {
  let last = 0;
  for (let i = 0; i < 100; i++) {
    last = (await fetch(`${tg.url}/ready`)).status;
    if (last === status) return last;
    await Bun.sleep(100);
  }
  return last;
}

const config = () => `
providers:
  - { id: mock, kind: openai, base_url: ${mock.url}, api_key: sk-x }
models:
  - { id: gpt-test, routes: [{ provider: mock, model: m }], prices: { input: 1, output: 2 } }
`;

describe("with TOLLGATE_REDIS", () => {
  let tg: TestGateway;
  beforeAll(async () => {
    tg = await TestGateway.start({ engine: "sqlite", config: config(), env: { TOLLGATE_REDIS: redis.url } });
  });
  afterAll(async () => {
    await tg?.stop();
    await redis.up();
  });

  test("up: a redis component, rate_limit_storage redis, ready, gauges", async () => {
    const health = await json(`${tg.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.components).toEqual({
      database: "healthy",
      redis: "healthy",
      llm_services: expect.any(String),
    });
    expect(health.body.rate_limit_storage).toBe("redis");

    const detailed = await json<Detailed>(`${tg.url}/health/detailed`);
    expect(detailed.body.components.redis).toMatchObject({
      status: "healthy",
      message: "Redis connection successful",
      details: { connected: true, memory_usage: expect.stringMatching(/^[\d.]+[BKMG]$/) },
      duration_ms: expect.any(Number),
    });

    const ready = await json<unknown>(`${tg.url}/ready`);
    expect(ready).toEqual({
      status: 200,
      body: {
        ready: true,
        timestamp: expect.any(String),
        checks: { database: true, redis: true, llm_services: true },
      },
    });
    expect(await metric(tg, 'tollgate_store_up{store="redis"}')).toBe(1);
    expect(await metric(tg, 'tollgate_store_probe_seconds{store="redis"}')).toBeGreaterThanOrEqual(0);
  });

  test("stopped: /ready 503 and the component unhealthy; restarted: ready again", async () => {
    await redis.down();
    const ready = await json(`${tg.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ready: false, checks: { database: true, redis: false } });

    const health = await json(`${tg.url}/health`);
    // Liveness stays 200: the process is fine, and restarting it would not bring Redis back.
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "degraded", components: { redis: "unhealthy" } });

    const detailed = await json<Detailed>(`${tg.url}/health/detailed`);
    expect(detailed.body.status).toBe("degraded");
    expect(detailed.body.components.redis).toMatchObject({
      status: "unhealthy",
      details: { connected: false },
    });
    expect(detailed.body.components.redis?.message).toStartWith("Redis check failed:");
    expect(await metric(tg, 'tollgate_store_up{store="redis"}')).toBe(0);

    const history = await json(`${tg.url}/health/history`);
    expect(
      history.body.history.some(
        (h: { name: string; status: string }) => h.name === "redis" && h.status === "unhealthy",
      ),
    ).toBe(true);

    await redis.up();
    expect(await readyBecomes(tg, 200)).toBe(200);
    expect((await json(`${tg.url}/health`)).body.components.redis).toBe("healthy");
    expect(await metric(tg, 'tollgate_store_up{store="redis"}')).toBe(1);
  }, 30_000);
});

test("Redis away when the gateway starts: it starts, not ready, and is ready once Redis answers", async () => {
  await redis.down();
  const tg = await TestGateway.start({
    engine: "sqlite",
    config: config(),
    env: { TOLLGATE_REDIS: redis.url },
  });
  try {
    expect((await json(`${tg.url}/ready`)).status).toBe(503);
    await redis.up();
    expect(await readyBecomes(tg, 200)).toBe(200);
  } finally {
    await tg.stop();
    await redis.up();
  }
}, 30_000);

test("without TOLLGATE_REDIS: no store components, memory rate limits, no store gauges", async () => {
  const tg = await TestGateway.start({ engine: "sqlite", config: config() });
  try {
    const health = await json(`${tg.url}/health`);
    expect(Object.keys(health.body.components)).toEqual(["database", "llm_services"]);
    expect(health.body.rate_limit_storage).toBe("memory");
    expect(Object.keys((await json(`${tg.url}/ready`)).body.checks)).toEqual(["database", "llm_services"]);
    expect(Object.keys((await json<Detailed>(`${tg.url}/health/detailed`)).body.components)).toEqual([
      "database",
      "llm_services",
    ]);
    expect(await (await fetch(`${tg.url}/metrics`)).text()).not.toContain("tollgate_store_up");
  } finally {
    await tg.stop();
  }
});
