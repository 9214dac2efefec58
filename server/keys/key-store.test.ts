import { expect, test } from "bun:test";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import type { Store } from "../../db/store.ts";
import { nextPeriodStart, periodStart } from "../billing/budget-period.ts";
import { DEFAULT_MIGRATIONS } from "../start.ts";
import { KeyStore } from "./key-store.ts";

const DAY = 86_400_000;

/**
 * Two keys (daily and monthly budget periods) with charges today, yesterday and 40 days
 * ago in the ledger, and a Store that counts its ledger reads and can hold them (a read
 * that takes a round trip, as on PostgreSQL) until the test lets them go.
 */
async function rig() {
  const { db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  const real = sqliteStore(db);
  const reads = { many: 0, one: 0 };
  const gate = { hold: false, release: () => {} };
  const store: Store = {
    ...real,
    ledger: {
      ...real.ledger,
      keysChargedSince: async (since) => {
        reads.many++;
        if (gate.hold) await new Promise<void>((r) => (gate.release = r));
        return real.ledger.keysChargedSince(since);
      },
      keyChargedSince: async (...a) => {
        reads.one++;
        return real.ledger.keyChargedSince(...a);
      },
    },
  };
  const now = Date.now();
  await real.accounts.insert(
    {
      id: "acc_1",
      name: "a",
      balance: 0,
      used: 0,
      configHash: null,
      status: "active",
      lowBalanceThreshold: null,
      createdAt: now,
    },
    null,
  );
  const setup = new KeyStore(real);
  const daily = (
    await setup.create({ accountId: "acc_1", name: "d", spendLimit: 10_000, budgetPeriod: "daily" }, now)
  ).record.id;
  const monthly = (
    await setup.create({ accountId: "acc_1", name: "m", spendLimit: 10_000, budgetPeriod: "monthly" }, now)
  ).record.id;
  const today = periodStart("daily", now);
  const charges = [
    { at: today, amount: 100 },
    { at: today - 1, amount: 50 },
    { at: today - 40 * DAY, amount: 1000 },
  ];
  const insert = db.$client.prepare(
    "INSERT INTO ledger (id, account_id, kind, amount, balance_after, key_id, created_at) VALUES (?, 'acc_1', 'charge', ?, 0, ?, ?)",
  );
  for (const id of [daily, monthly])
    for (const [i, c] of charges.entries()) insert.run(`led_${id}_${i}`, -c.amount, id, c.at);
  db.$client.run("UPDATE api_keys SET used = 1150");
  const since = (start: number) => charges.filter((c) => c.at >= start).reduce((s, c) => s + c.amount, 0);
  const keys = new KeyStore(store);
  return { keys, reads, gate, now, today, daily, monthly, since };
}

test("budget periods are counted at load, one ledger read per period start; rolling reads nothing", async () => {
  const { keys, reads, now, today, since, ...ids } = await rig();
  await keys.load();
  expect(reads).toEqual({ many: 2, one: 0 });
  const daily = keys.get(ids.daily)!;
  const monthly = keys.get(ids.monthly)!;
  expect(daily.periodUsed).toBe(100);
  expect(monthly.periodUsed).toBe(since(periodStart("monthly", now)));
  // The request path: over the boundary and back (a clock stepped back), no database read.
  keys.rollPeriod(daily, nextPeriodStart("daily", now));
  expect(daily.periodUsed).toBe(0);
  daily.periodUsed += 7;
  keys.rollPeriod(daily, now);
  expect(daily.periodStart).toBe(today);
  // What the ledger's sum since today's start says: today's 100 and the 7 spent since.
  expect(daily.periodUsed).toBe(107);
  expect(reads).toEqual({ many: 2, one: 0 });
});

test("a clock stepped back past what is remembered counts through the Store, failing closed until it lands", async () => {
  const { keys, reads, gate, now, since, ...ids } = await rig();
  await keys.load();
  const daily = keys.get(ids.daily)!;
  gate.hold = true;
  const twoDaysAgo = now - 2 * DAY;
  keys.rollPeriod(daily, twoDaysAgo);
  // The read is on its way: the key counts its lifetime spend, never less than the period's.
  expect(daily.periodUsed).toBe(1150);
  expect(daily.periodStart).toBe(periodStart("daily", twoDaysAgo));
  daily.periodUsed += 5; // a charge made while the read is away is kept
  gate.release();
  await Bun.sleep(0);
  expect(daily.periodUsed).toBe(since(periodStart("daily", twoDaysAgo)) + 5);
  expect(reads).toEqual({ many: 3, one: 0 });
});

test("a key whose period changes is counted afresh for the new period", async () => {
  const { keys, now, since, ...ids } = await rig();
  await keys.load();
  const rec = await keys.update(ids.daily, { budgetPeriod: "monthly" });
  expect(rec!.periodStart).toBe(periodStart("monthly", now));
  expect(rec!.periodUsed).toBe(since(periodStart("monthly", now)));
});

test("a key created while a load reads the table is kept, not dropped by the load's older rows", async () => {
  const { db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  const real = sqliteStore(db);
  const gate = { release: () => {} };
  let holding = false;
  // A read that took its rows before the insert and answers after it (a round trip on PostgreSQL).
  const store: Store = {
    ...real,
    keys: {
      ...real.keys,
      all: async () => {
        const rows = await real.keys.all();
        if (holding) await new Promise<void>((r) => (gate.release = r));
        return rows;
      },
    },
  };
  const now = Date.now();
  await real.accounts.insert(
    {
      id: "acc_1",
      name: "a",
      balance: 0,
      used: 0,
      configHash: null,
      status: "active",
      lowBalanceThreshold: null,
      createdAt: now,
    },
    null,
  );
  const keys = new KeyStore(store);
  await keys.load();
  holding = true;
  const loading = keys.load();
  await Bun.sleep(0);
  const { record, key } = await keys.create({ accountId: "acc_1", name: "new" }, now);
  gate.release();
  await loading;
  expect(keys.get(record.id)?.id).toBe(record.id);
  expect(keys.authenticate(key, now).id).toBe(record.id);
});
