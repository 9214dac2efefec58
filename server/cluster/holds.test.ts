/**
 * Holds across replicas, against a real Redis started here: each "replica" is its own
 * connection, as each gateway process would have. No interleaving admits more than the
 * balance or a key's limit; a dead replica's holds end with their lease; the mirror only
 * moves to a newer PostgreSQL version; a restarted Redis (scripts and state gone) is
 * noticed, not misread.
 */
import { expect, test } from "bun:test";
import type { RedisClient } from "bun";
import { redisForFile } from "../testing/redis-server.ts";
import { ClusterHolds } from "./holds.ts";

const redis = redisForFile();
const { clients } = redis;

async function replica(leaseMs = 30_000): Promise<ClusterHolds> {
  const c = await redis.connect();
  return new ClusterHolds(c, leaseMs);
}

let seq = 0;
const id = (p: string) => `${p}_${++seq}`;

async function account(holds: ClusterHolds, balance: number, keyLimit: number | null = null) {
  const accountId = id("acc");
  const keyId = id("key");
  await holds.mirror(accountId, keyId, { balance, version: 1, keyUsed: 0, keyLimit });
  return { accountId, keyId };
}

test("50 parallel reservations split across three replicas never hold more than the balance", async () => {
  const replicas = [await replica(), await replica(), await replica()];
  const { accountId, keyId } = await account(replicas[0] as ClusterHolds, 1000);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      (replicas[i % 3] as ClusterHolds).reserve(accountId, keyId, 70, id("h")),
    ),
  );
  const admitted = results.filter((r) => r.ok);
  expect(admitted.length).toBe(14); // floor(1000 / 70)
  expect(results.filter((r) => !r.ok && "refused" in r && r.refused === "account").length).toBe(36);
  const c = clients[0] as RedisClient;
  expect(await c.hget(`tg:{${accountId}}:acct`, "reserved")).toBe(String(14 * 70));
  // Settle each admitted hold as PostgreSQL would return it: the balance after, a newer version.
  let balance = 1000;
  let version = 1;
  for (const [i, r] of admitted.entries()) {
    if (!r.ok) continue;
    balance -= 50;
    version++;
    const open = await (replicas[i % 3] as ClusterHolds).release(accountId, keyId, r.holdId, {
      balance,
      version,
      keyUsed: 1000 - balance,
    });
    expect(open).toBe(true);
  }
  expect(await c.hmget(`tg:{${accountId}}:acct`, ["balance", "reserved", "version"])).toEqual([
    String(1000 - 14 * 50),
    "0",
    String(15),
  ]);
});

test("a key's own spend limit holds across replicas, below the account's balance", async () => {
  const replicas = [await replica(), await replica()];
  const { accountId, keyId } = await account(replicas[0] as ClusterHolds, 10_000, 300);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      (replicas[i % 2] as ClusterHolds).reserve(accountId, keyId, 70, id("h")),
    ),
  );
  expect(results.filter((r) => r.ok).length).toBe(4);
  const refused = results.find((r) => !r.ok);
  expect(refused).toEqual({ ok: false, refused: "key", free: 20 });
});

test("a dead replica's holds end with their lease; a late release does not return money twice", async () => {
  const dying = await replica(150);
  const alive = await replica(150);
  const { accountId, keyId } = await account(dying, 500);
  const held = await dying.reserve(accountId, keyId, 500, id("h"));
  expect(held.ok).toBe(true);
  expect(await alive.reserve(accountId, keyId, 1, id("h"))).toEqual({
    ok: false,
    refused: "account",
    free: 0,
  });
  (clients.at(-2) as RedisClient).close(); // the dying replica is gone: it never releases
  let later = await alive.reserve(accountId, keyId, 500, id("h"));
  let reloads = 0;
  for (let i = 0; i < 100 && !later.ok; i++) {
    // The lease ran out: the mirrors are stale until reloaded from the books (nothing was charged).
    if ("missing" in later) {
      reloads++;
      await alive.mirror(accountId, keyId, { balance: 500, version: 1, keyUsed: 0, keyLimit: null });
    } else await Bun.sleep(20);
    later = await alive.reserve(accountId, keyId, 500, id("h"));
  }
  expect(later.ok).toBe(true);
  expect(reloads).toBe(1);
  // The first hold's owner comes back from a pause and releases it: already dropped, nothing moves.
  const back = await replica(150);
  expect(held.ok && (await back.release(accountId, keyId, held.holdId))).toBe(false);
  const c = clients[0] as RedisClient;
  expect(await c.hget(`tg:{${accountId}}:acct`, "reserved")).toBe("500");
});

test("renewing keeps a live replica's hold past its first lease", async () => {
  const holds = await replica(400);
  const { accountId, keyId } = await account(holds, 100);
  const held = await holds.reserve(accountId, keyId, 100, id("h"));
  if (!held.ok) throw new Error("not admitted");
  for (let i = 0; i < 6; i++) {
    await Bun.sleep(100);
    expect(await holds.renew(accountId, [held.holdId])).toBe(1);
  }
  expect(await holds.reserve(accountId, keyId, 1, id("h"))).toEqual({
    ok: false,
    refused: "account",
    free: 0,
  });
  expect(await holds.release(accountId, keyId, held.holdId)).toBe(true);
});

test("the mirror only moves to a newer PostgreSQL version, whatever order replicas report in", async () => {
  const [a, b] = [await replica(), await replica()];
  const { accountId, keyId } = await account(a, 1000);
  const h1 = await a.reserve(accountId, keyId, 10, id("h"));
  const h2 = await b.reserve(accountId, keyId, 10, id("h"));
  if (!h1.ok || !h2.ok) throw new Error("not admitted");
  // PostgreSQL settled h2 second (version 3) but its replica reports first.
  await b.release(accountId, keyId, h2.holdId, { balance: 980, version: 3, keyUsed: 20 });
  await a.release(accountId, keyId, h1.holdId, { balance: 990, version: 2, keyUsed: 10 });
  const c = clients[0] as RedisClient;
  expect(await c.hmget(`tg:{${accountId}}:acct`, ["balance", "version"])).toEqual(["980", "3"]);
  expect(await c.hget(`tg:{${accountId}}:key:${keyId}`, "used")).toBe("20");
});

test("one script releases several accounts' holds, each with its own committed balance, newest version winning", async () => {
  const holds = await replica();
  const a = await account(holds, 1000);
  const b = await account(holds, 500);
  const reserve = async (x: { accountId: string; keyId: string }, amount: number) => {
    const r = await holds.reserve(x.accountId, x.keyId, amount, id("h"));
    if (!r.ok) throw new Error("not admitted");
    return r.holdId;
  };
  const [a1, a2, b1] = [await reserve(a, 100), await reserve(a, 100), await reserve(b, 50)];
  const open = await holds.releaseMany([
    // a's two charges committed in one batch: the later version is the newer balance, whatever the order.
    { ...a, holdId: a2, after: { balance: 900, version: 3, keyUsed: 100 } },
    { ...a, holdId: a1, after: { balance: 950, version: 2, keyUsed: 50 } },
    { ...b, holdId: b1 },
    // Released already (or dropped by its lease): reported, nothing moves twice.
    { ...b, holdId: b1 },
  ]);
  expect(open).toEqual([true, true, true, false]);
  const c = clients[0] as RedisClient;
  expect(await c.hmget(`tg:{${a.accountId}}:acct`, ["balance", "version", "reserved"])).toEqual([
    "900",
    "3",
    "0",
  ]);
  expect(await c.hget(`tg:{${a.accountId}}:key:${a.keyId}`, "used")).toBe("100");
  expect(await c.hmget(`tg:{${b.accountId}}:acct`, ["balance", "version", "reserved"])).toEqual([
    "500",
    "1",
    "0",
  ]);
});

test("after a Redis restart the scripts are reloaded and a missing mirror is reported, not read as zero", async () => {
  const holds = await replica();
  const { accountId, keyId } = await account(holds, 1000);
  await redis.server.restart();
  const c = await redis.connect();
  const fresh = new ClusterHolds(c, 30_000);
  expect(await fresh.reserve(accountId, keyId, 10, id("h"))).toEqual({ ok: false, missing: "account" });
  await fresh.mirror(accountId, keyId, { balance: 1000, version: 7, keyUsed: 0, keyLimit: null });
  const r = await fresh.reserve(accountId, keyId, 10, id("h"));
  expect(r).toMatchObject({ ok: true, accountFree: 990, keyFree: null });
});
