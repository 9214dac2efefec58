/**
 * Hold leases against a real Redis started here: a restart noticed by its run id puts this
 * replica's open holds back, and a recovery that fails half-way (PostgreSQL away for a
 * mirror) is tried again by the next tick instead of being forgotten.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { HoldLeases } from "./hold-leases.ts";
import { ClusterHolds } from "./holds.ts";

let redis: RedisServer;
let client: RedisClient;

beforeAll(async () => {
  redis = await startRedis();
  client = new RedisClient(redis.url, { autoReconnect: true, enableOfflineQueue: false });
  await client.connect();
});
afterAll(async () => {
  client?.close();
  await redis?.stop();
});

test("a recovery that fails half-way is tried again until the holds are back", async () => {
  const holds = new ClusterHolds(client, 30_000);
  const mirror = { balance: 100, version: 1, keyUsed: 0, keyLimit: null };
  let pgDown = true;
  const leases = new HoldLeases(
    holds,
    async (accountId, keyId) => {
      if (pgDown) throw new Error("PostgreSQL is away");
      await holds.mirror(accountId, keyId, mirror);
    },
    100,
  );
  await holds.mirror("acc", "key", mirror);
  expect(await holds.reserve("acc", "key", 60, "hold_1")).toMatchObject({ ok: true });
  leases.add({ id: "hold_1", accountId: "acc", keyId: "key", amount: 60 });
  expect(await leases.restarted()).toBe(false); // the first look learns the run id

  await redis.restart();
  for (let i = 0; i < 50 && !client.connected; i++) {
    await client.connect().catch(() => {});
    await Bun.sleep(50);
  }
  await expect(leases.restarted()).rejects.toThrow("PostgreSQL is away");
  expect(() => leases.assertServing()).toThrow("recovering");
  pgDown = false;
  expect(await leases.restarted()).toBe(true);
  expect(leases.counts).toMatchObject({ restarts: 1, reposted: 1 });
  // The hold is back: 40 free of 100.
  expect(await holds.reserve("acc", "key", 50, "hold_2")).toMatchObject({
    ok: false,
    refused: "account",
    free: 40,
  });
  expect(await leases.restarted()).toBe(false);
});

test("a hold settled and released while the recovery loads its mirror is not put back", async () => {
  const holds = new ClusterHolds(client, 30_000);
  const mirror = { balance: 100, version: 1, keyUsed: 0, keyLimit: null };
  let settleDuringLoad = false;
  const leases = new HoldLeases(
    holds,
    async (accountId, keyId) => {
      await holds.mirror(accountId, keyId, mirror);
      // The call's charge commits and its hold ends while the recovery awaits PostgreSQL.
      if (settleDuringLoad) leases.remove("hold_s1");
    },
    100,
  );
  await holds.mirror("acc_s", "key_s", mirror);
  expect(await holds.reserve("acc_s", "key_s", 60, "hold_s1")).toMatchObject({ ok: true });
  leases.add({ id: "hold_s1", accountId: "acc_s", keyId: "key_s", amount: 60 });
  expect(await leases.restarted()).toBe(false);

  await redis.restart();
  for (let i = 0; i < 50 && !client.connected; i++) {
    await client.connect().catch(() => {});
    await Bun.sleep(50);
  }
  settleDuringLoad = true;
  expect(await leases.restarted()).toBe(true);
  expect(leases.counts).toMatchObject({ reposted: 0 });
  // Nothing is held: the whole 100 is free.
  expect(await holds.reserve("acc_s", "key_s", 100, "hold_s2")).toMatchObject({ ok: true, accountFree: 0 });
});
