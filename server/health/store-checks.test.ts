/**
 * The PostgreSQL and Redis health probes against real servers started here: up (with
 * latency and details in the shape of /health/detailed), down (stopped, then back), and a
 * server that accepts connections but never answers (a deadline, not a hang).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { freePort } from "../testing/free-port.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { postgresCheck, rateLimitStorage, redisCheck } from "./store-checks.ts";

let pg: PgServer;
let redis: RedisServer;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPg(), startRedis()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
});

test("PostgreSQL up, stopped, back", async () => {
  const sql = new Bun.SQL(pg.url, { max: 2, connectionTimeout: 1 });
  try {
    const up = await postgresCheck(sql, { poolSize: 2 });
    expect(up).toMatchObject({
      status: "healthy",
      message: "Database connection successful",
      details: { engine: "postgres", connected: true, connection_pool_size: 2 },
    });
    expect(String(up.details.server_version)).toMatch(/^\d+/);
    expect(up.duration_ms).toBeGreaterThanOrEqual(0);
    await pg.pause();
    const down = await postgresCheck(sql, { timeoutMs: 3000 });
    expect(down).toMatchObject({ status: "unhealthy", details: { connected: false } });
    expect(down.message).toStartWith("PostgreSQL check failed:");
    await pg.resume();
    expect((await postgresCheck(sql)).status).toBe("healthy");
  } finally {
    await sql.close();
  }
}, 60_000);

test("Redis up, restarted, unreachable, and silent", async () => {
  const c = new RedisClient(redis.url);
  await c.connect();
  const up = await redisCheck(c);
  expect(up).toMatchObject({
    status: "healthy",
    message: "Redis connection successful",
    details: { connected: true },
  });
  expect(String(up.details.memory_usage)).toMatch(/^[\d.]+[BKMG]$/);
  await redis.restart();
  const after = (await redisCheck(c)).status === "healthy" ? "healthy" : (await redisCheck(c)).status;
  expect(after).toBe("healthy");
  c.close();

  const away = new RedisClient(`redis://127.0.0.1:${freePort()}`, {
    autoReconnect: false,
    connectionTimeout: 500,
  });
  const down = await redisCheck(away);
  expect(down).toMatchObject({ status: "unhealthy", details: { connected: false } });
  expect(down.message).toStartWith("Redis check failed:");

  // Accepts the connection, never answers: the deadline decides.
  const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    const hung = new RedisClient(`redis://127.0.0.1:${silent.port}`, { autoReconnect: false });
    const r = await redisCheck(hung, { timeoutMs: 300 });
    expect(r).toMatchObject({ status: "unhealthy", message: "Redis check failed: no answer within 300 ms" });
    hung.close();
  } finally {
    silent.stop(true);
  }
  expect(rateLimitStorage(c)).toBe("redis");
  expect(rateLimitStorage(undefined)).toBe("memory");
}, 30_000);
