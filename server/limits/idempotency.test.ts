import { expect, test } from "bun:test";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import { idempotencyQueries } from "../../db/queries/system.ts";
import { DEFAULT_MIGRATIONS } from "../start.ts";
import { BatchExecutor } from "../store/batch-executor.ts";
import { IDEMPOTENCY_TTL_MS, type IdempotencyRows, IdempotencyStore } from "./idempotency.ts";

/** A database with one completed response stored (by the group commit's executor) at `at`. */
function rig(at: number) {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  const rows = new IdempotencyStore(idempotencyQueries(db));
  const done = { claim: { keyId: "key_1", idemKey: "i1", bodyHash: "h1", done: false } };
  const { failed } = new BatchExecutor(sqlite).run([
    [rows.completeWrite(done.claim, { status: 200, headers: { a: "b" }, body: "{}" }, at)],
  ]);
  expect(failed).toEqual([]);
  return { db, sync: rows };
}

const input = (idemKey: string, bodyHash: string, now: number) => ({
  keyId: "key_1",
  idemKey,
  bodyHash,
  stream: false,
  now,
});

test("over SQLite's prepared lookups the answer is synchronous: a replay, a reused key, a claim", () => {
  const now = 1_000_000;
  const { sync } = rig(now - 1000);
  const replay = sync.begin(input("i1", "h1", now));
  expect(replay instanceof Promise).toBe(false);
  expect(replay).toEqual({ replay: { status: 200, headers: { a: "b" }, body: "{}" } });
  expect(() => sync.begin(input("i1", "other", now))).toThrow("different request body");
  const claim = sync.begin(input("i2", "h2", now));
  expect(claim).toMatchObject({ claim: { idemKey: "i2" } });
  expect(() => sync.begin(input("i2", "h2", now))).toThrow("still being processed");
});

test("over the Store (a read that takes a round trip) the same answers come as promises; a second call meanwhile is in progress", async () => {
  const now = 1_000_000;
  const { db } = rig(now - 1000);
  const store = sqliteStore(db);
  const gate = { release: () => {} };
  let held = false;
  const rows: IdempotencyRows = {
    find: async (k, i) => {
      if (held) await new Promise<void>((r) => (gate.release = r));
      return store.idempotency.find(k, i);
    },
    purge: (before) => store.idempotency.purge(before),
  };
  const async = new IdempotencyStore(rows);
  expect(await async.begin(input("i1", "h1", now))).toEqual({
    replay: { status: 200, headers: { a: "b" }, body: "{}" },
  });
  await expect(async.begin(input("i1", "other", now))).rejects.toThrow("different request body");

  held = true;
  const first = async.begin(input("i3", "h3", now));
  // While the first one's read is away the key is taken: no second run of the same call.
  expect(() => async.begin(input("i3", "h3", now))).toThrow("still being processed");
  gate.release();
  expect(await first).toMatchObject({ claim: { idemKey: "i3" } });
  held = false;

  // Expired responses are neither replayed nor kept by the sweep.
  const later = now + IDEMPOTENCY_TTL_MS;
  expect(await async.begin(input("i1", "h1", later))).toMatchObject({ claim: { idemKey: "i1" } });
  await async.sweep(later);
  expect(await store.idempotency.find("key_1", "i1")).toBeUndefined();
});
