/**
 * RedisScript against a real Redis (started by the test): a script's first run on a client is
 * sent in order with what the client sends next, so callers may rely on one connection's order.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { RedisScript } from "./redis-script.ts";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.stop();
});

async function connect(): Promise<RedisClient> {
  const c = new RedisClient(redis.url);
  await c.connect();
  return c;
}

test("a script's first run is not overtaken by the next command (no NOSCRIPT round trip)", async () => {
  const client = await connect();
  await client.send("SCRIPT", ["FLUSH"]);
  const set = new RedisScript("redis.call('SET', KEYS[1], ARGV[1]) return 1");
  // Not awaited before the GET: a NOSCRIPT answer would have run the script after the GET.
  const ran = set.run(client, ["order:first"], ["done"]);
  const seen = client.send("GET", ["order:first"]);
  expect(await ran).toBe(1);
  expect(await seen).toBe("done");
  client.close();
});

test("after Redis lost its scripts (a restart), the script is sent again and runs", async () => {
  const client = await connect();
  const incr = new RedisScript("return redis.call('INCR', KEYS[1])");
  expect(await incr.run(client, ["order:again"], [])).toBe(1);
  expect(await incr.run(client, ["order:again"], [])).toBe(2);
  await client.send("SCRIPT", ["FLUSH"]);
  expect(await incr.run(client, ["order:again"], [])).toBe(3);
  client.close();
});
