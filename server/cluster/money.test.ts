/**
 * The reservation protocol of docs/scale-out.md end to end on real servers, without the
 * HTTP layer: three replicas (each its own Redis connection and PostgreSQL pool) run 50
 * calls at once on a small balance. Each call holds its upper bound in Redis, "runs"
 * (an upstream-reported cost at most the bound), settles in PostgreSQL, then releases its
 * hold with what PostgreSQL returned. The balance never goes below zero, every admitted
 * call is charged exactly its upstream cost, the ledger holds every cent, and the mirror
 * ends equal to PostgreSQL with nothing reserved.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { eq, sql } from "drizzle-orm";
import { migratePg, openPg } from "../../db/pg/client.ts";
import { settleCharges } from "../../db/pg/queries/settle.ts";
import { accounts, apiKeys, ledger } from "../../db/pg/schema/index.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { ClusterHolds } from "./holds.ts";

let pg: PgServer;
let redis: RedisServer;
type Replica = { holds: ClusterHolds; pool: ReturnType<typeof openPg>; redis: RedisClient };
const replicas: Replica[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPg(), startRedis()]);
  const url = await pg.createDatabase("money_test");
  for (let i = 0; i < 3; i++) {
    const client = new RedisClient(redis.url);
    await client.connect();
    replicas.push({ holds: new ClusterHolds(client, 30_000), pool: openPg(url, { max: 4 }), redis: client });
  }
  await migratePg((replicas[0] as Replica).pool.db);
});
afterAll(async () => {
  for (const r of replicas) {
    r.redis.close();
    await r.pool.client.close();
  }
  await Promise.all([pg?.stop(), redis?.stop()]);
});

test("50 parallel calls across three replicas on a small balance", async () => {
  const first = replicas[0] as Replica;
  await first.pool.db
    .insert(accounts)
    .values({ id: "acc", name: "acc", balance: 1_000, used: 0, createdAt: 1 });
  await first.pool.db
    .insert(apiKeys)
    .values({ id: "key", accountId: "acc", name: "k", prefix: "tg", hash: "h", createdAt: 1 });
  await first.holds.mirror("acc", "key", { balance: 1_000, version: 0, keyUsed: 0, keyLimit: null });

  const BOUND = 70;
  const costs: number[] = [];
  const call = async (i: number) => {
    const r = replicas[i % 3] as Replica;
    const held = await r.holds.reserve("acc", "key", BOUND, `hold_${i}`);
    if (!held.ok) return { admitted: false, charged: 0 };
    await Bun.sleep(i % 7); // the upstream call
    const cost = 40 + (i % 31); // at most the bound, as the reservation plan guarantees
    costs.push(cost);
    const [settled] = await settleCharges(r.pool.db, [
      {
        ledgerId: `txn_${i}`,
        accountId: "acc",
        keyId: "key",
        amount: cost,
        requestId: `req_${i}`,
        at: 1000 + i,
      },
    ]);
    if (!settled) throw new Error("not settled");
    await r.holds.release("acc", "key", held.holdId, settled);
    return { admitted: true, charged: settled.charged, cost };
  };
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(i)));
  const admitted = results.filter((r) => r.admitted);
  expect(admitted.length).toBeGreaterThanOrEqual(14); // at least floor(1000 / 70) fit at once
  for (const r of admitted) expect(r.charged).toBe(r.cost as number);

  const [acct] = await first.pool.db.select().from(accounts).where(eq(accounts.id, "acc"));
  const [sum] = await first.pool.db
    .select({ charged: sql<string>`-sum(${ledger.amount})` })
    .from(ledger)
    .where(eq(ledger.accountId, "acc"));
  const totalCost = costs.reduce((s, c) => s + c, 0);
  expect(acct?.balance).toBeGreaterThanOrEqual(0);
  expect(acct?.balance).toBe(1_000 - totalCost);
  expect(Number(sum?.charged)).toBe(totalCost);
  expect(await first.redis.hmget("tg:{acc}:acct", ["balance", "reserved", "version"])).toEqual([
    String(acct?.balance),
    "0",
    String(acct?.version),
  ]);
});
