/**
 * The gateway on PostgreSQL (TOLLGATE_DB=postgres://…, docs/scale-out.md): it boots on a real
 * server started here (migrations applied at start), /health and /ready report the
 * `postgres` component and take the replica out while PostgreSQL does not answer, a CLI
 * command on the same database reaches the running gateway within a second without Redis
 * (the generation poll), and several replicas without Redis refuse to start.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readEnv } from "../config/env.ts";
import { PgWriter } from "../store/pg-writer.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { runCliProcess } from "../testing/process.ts";
import { startRedis } from "../testing/redis-server.ts";

let pg: PgServer;
let mock: MockOpenAI;
let tg: TestGateway;
let url: string;
const SECRET = "a-secret-shared-by-every-replica";

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  url = await pg.createDatabase("gateway");
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: { TOLLGATE_DB: url, TOLLGATE_SECRET: SECRET },
  });
}, 60_000);
afterAll(async () => {
  await tg?.stop();
  mock?.stop();
  await pg?.stop();
});

type Json = Record<string, unknown> & {
  components: Record<string, unknown>;
  checks: Record<string, boolean>;
};
const json = async (path: string) => {
  const res = await fetch(`${tg.url}${path}`, { headers: { authorization: "Bearer x" } });
  return { status: res.status, body: (await res.json()) as Json };
};

describe("on PostgreSQL", () => {
  test("boots, bills a call into PostgreSQL, and reports the postgres component", async () => {
    expect(tg.gw.engine.kind).toBe("postgres");
    const c = await tg.client(1);
    const r = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(r.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    const probe = new Bun.SQL(url, { max: 1 });
    try {
      const [row] = await probe`SELECT balance::text AS b FROM accounts WHERE id = ${c.accountId}`;
      expect(Number(row.b)).toBe(tg.gw.book.get(c.accountId)?.balance as number);
      expect(Number(row.b)).toBeLessThan(1_000_000_000);
    } finally {
      await probe.close();
    }
    const health = await json("/health");
    expect(health.status).toBe(200);
    expect(health.body.components).toEqual({
      database: "healthy",
      postgres: "healthy",
      llm_services: "healthy",
    });
    const ready = await json("/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ database: true, postgres: true });
    const detailed = await json("/health/detailed");
    expect(detailed.body.components.database).toMatchObject({
      status: "healthy",
      details: { engine: "postgres", connection_pool_size: 10 },
    });
    expect(detailed.body.components.postgres).toMatchObject({
      status: "healthy",
      details: { engine: "postgres", connected: true, server_version: expect.any(String) },
    });
  });

  test("a CLI command on the same database reaches the running gateway within a second, without Redis", async () => {
    const c = await tg.client(1);
    const env = { TOLLGATE_DB: url, TOLLGATE_SECRET: SECRET, TOLLGATE_CONFIG: "" };
    const revoke = await runCliProcess(["keys", "revoke", c.keyId], env);
    expect(revoke.code).toBe(0);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 1_000) {
      status = await c.openai.models.list().then(
        () => 200,
        (e: { status?: number }) => e.status ?? -1,
      );
      if (status === 200) await Bun.sleep(50);
    }
    expect(status).toBe(401);
  });

  test("PostgreSQL stopped: /ready 503, /health unhealthy, calls a retryable 503; back: ready and serving again", async () => {
    const c = await tg.client(1);
    await pg.pause();
    try {
      const ready = await json("/ready");
      expect(ready.status).toBe(503);
      expect(ready.body.checks.postgres).toBe(false);
      const health = await json("/health");
      expect(health.status).toBe(503);
      expect(health.body.components.postgres).toBe("unhealthy");
      // A call whose charge cannot be committed, or whose Idempotency-Key cannot be looked up:
      // a retryable 503 in the route's own shape, not a 500.
      for (const headers of [{}, { "idempotency-key": "while-away" }] as Record<string, string>[]) {
        const res = await fetch(`${tg.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json", ...headers },
          body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "away" }] }),
        });
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("1");
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("store_unavailable");
      }
    } finally {
      await pg.resume();
    }
    let ready = 503;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await json("/ready")).status;
      if (ready !== 200) await Bun.sleep(100);
    }
    expect(ready).toBe(200);
    const r = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "again" }],
    });
    expect(r.choices[0]?.message.content).toBe("Hello from the mock upstream.");
  }, 60_000);
});

test("a replica among several commits one batch at a time, a lone one two (TOLLGATE_REPLICAS)", async () => {
  // Alone: one batch commits while the next fills. Among replicas: each has one, so the
  // deployment's batches stay few and large (docs/scale-out.md, "Sizing").
  expect(tg.gw.commits).toBeInstanceOf(PgWriter);
  expect((tg.gw.commits as PgWriter).batchesAtOnce).toBe(2);
  const redis = await startRedis();
  const replica = await TestGateway.start({
    config: standardConfig(mock.url),
    env: {
      TOLLGATE_DB: await pg.createDatabase("one_of_two"),
      TOLLGATE_SECRET: SECRET,
      TOLLGATE_REDIS: redis.url,
      TOLLGATE_REPLICAS: "2",
    },
  });
  try {
    expect((replica.gw.commits as PgWriter).batchesAtOnce).toBe(1);
    const c = await replica.client(1);
    const calls = await Promise.all(
      Array.from({ length: 8 }, () =>
        c.openai.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
      ),
    );
    expect(calls.every((r) => r.usage !== undefined)).toBe(true);
    // Every call charged with its log row, the balance down by exactly their costs.
    const [logged] = await replica.sql<{ n: number; cost: number }>(
      "SELECT count(*) AS n, sum(cost) AS cost FROM request_log WHERE account_id = ? AND status = 200",
      c.accountId,
    );
    const [acct] = await replica.sql<{ balance: number }>(
      "SELECT balance FROM accounts WHERE id = ?",
      c.accountId,
    );
    expect(Number(logged?.n)).toBe(8);
    expect(Number(logged?.cost)).toBeGreaterThan(0);
    expect(Number(acct?.balance)).toBe(1_000_000_000 - Number(logged?.cost));
  } finally {
    await replica.stop();
    await redis.stop();
  }
}, 60_000);

test("two replicas on a reachable PostgreSQL without Redis are refused before anything opens", () => {
  expect(() => readEnv({ TOLLGATE_DB: url, TOLLGATE_REPLICAS: "2" })).toThrow(
    "TOLLGATE_REPLICAS=2 on PostgreSQL needs TOLLGATE_REDIS=redis://",
  );
});
