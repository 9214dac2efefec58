/**
 * Review (review-redis): a key with a budget period is limited only in Redis (PostgreSQL's
 * tollgate_settle does not cap it, migration 0005/0007), on a hash per period whose `used`
 * grows only by the `keyCharged` each settled hold's release adds. A release script that is
 * lost (its connection dropped with it in flight; with RELEASE_MANY, up to 256 holds at
 * once; or a batch that errors half-way) loses those increments for good: the hash is
 * reloaded from PostgreSQL only when it is missing, and no later release repairs it (unlike
 * the balance, newest version wins, or a lifetime `used`, largest wins). The key then spends
 * past its period limit. The fix: a lease that runs out marks the mirrors stale, and the
 * next reservation reloads them from PostgreSQL (scripts.ts, the header).
 */
import { expect, test } from "bun:test";
import type { RedisClient } from "bun";
import { redisForFile } from "../testing/redis-server.ts";
import { ClusterHolds } from "./holds.ts";

const redis = redisForFile();

async function replica(leaseMs: number): Promise<{ holds: ClusterHolds; c: RedisClient }> {
  const c = await redis.connect();
  return { holds: new ClusterHolds(c, leaseMs), c };
}

test("a settled charge whose release was lost still counts against the key's period limit", async () => {
  const a = await replica(150);
  const b = await replica(150);
  const accountId = "acc_period";
  // ClusterBook's shared key for a key with a budget period: `<key id>@<period start>`.
  const periodKey = "key_period@1796601600000";
  await a.holds.mirror(accountId, periodKey, { balance: 10_000, version: 1, keyUsed: 0, keyLimit: null });
  const h = await a.holds.reserve(accountId, periodKey, 100, "hold_1", 100);
  expect(h.ok).toBe(true);
  // PostgreSQL commits the charge of 100 (the whole period limit). Its release, in flight on
  // replica A's connection, is lost when that connection drops.
  a.c.close();
  const lost = await a.holds
    .releaseMany([
      {
        accountId,
        keyId: periodKey,
        holdId: "hold_1",
        after: { balance: 9_900, version: 2, keyCharged: 100 },
      },
    ])
    .then(
      () => "sent",
      () => "lost",
    );
  expect(lost).toBe("lost");
  await Bun.sleep(300); // the hold's lease passes
  // The lease that ran out left the period's mirror stale: replica B is told to reload it, as
  // ClusterBook does from PostgreSQL (the period's committed spend, keyChargedSince: the 100).
  const first = await b.holds.reserve(accountId, periodKey, 100, "hold_2", 100);
  expect(first).toMatchObject({ ok: false, missing: "account" });
  await b.holds.mirror(accountId, periodKey, { balance: 9_900, version: 2, keyUsed: 100, keyLimit: null });
  // The key has spent its period's 100: a further 100 must be refused.
  const next = await b.holds.reserve(accountId, periodKey, 100, "hold_3", 100);
  expect(next).toMatchObject({ ok: false, refused: "key" });
  // And a hold released as usual leaves nothing stale: the next reservation is decided at once.
  const small = await b.holds.reserve(accountId, periodKey, 0, "hold_4", 100);
  expect(small).toMatchObject({ ok: true });
  await b.holds.releaseMany([{ accountId, keyId: periodKey, holdId: "hold_4" }]);
  expect(await b.holds.reserve(accountId, periodKey, 0, "hold_5", 100)).toMatchObject({ ok: true });
});
