import { expect, test } from "bun:test";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import type { Store } from "../../db/store.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { PlanBook } from "../plans/plan-book.ts";
import { DEFAULT_MIGRATIONS } from "../start.ts";
import { AccountBook } from "./account-book.ts";

/**
 * AccountBook.credit goes through the Store, whose writes may take a round trip (PostgreSQL).
 * `gate` holds each credit's write until the test lets it go, or fails it.
 */
async function rig(balance: number) {
  const { db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  const real = sqliteStore(db);
  const gate = { hold: false, fail: false, release: () => {} };
  const store: Store = {
    ...real,
    accounts: {
      ...real.accounts,
      credit: async (entry) => {
        if (gate.hold) await new Promise<void>((r) => (gate.release = r));
        if (gate.fail) throw new Error("database away");
        return real.accounts.credit(entry);
      },
    },
  };
  const book = new AccountBook(store);
  await book.load();
  const acct = await book.create({ name: "a", balance }, Date.now());
  const key = { id: "k", accountId: acct.id, spendLimit: null, used: 0, reserved: 0 } as unknown as KeyRecord;
  const ledger = () =>
    db.$client.query("SELECT kind, amount FROM ledger WHERE account_id = ? ORDER BY position").all(acct.id);
  return { db, store, book, acct, key, gate, ledger };
}

test("a credit moves the balance before its write lands, so nothing can reserve that money meanwhile", async () => {
  const { book, acct, key, gate, ledger } = await rig(1000);
  gate.hold = true;
  const write = book.credit(acct.id, -600, "adjustment", "correction", Date.now());
  // The write has not landed, yet a planner already sees only what is left.
  expect(book.available(key)).toBe(400);
  gate.release();
  expect(await write).toMatchObject({ balanceAfter: 400 });
  expect(book.get(acct.id)!.balance).toBe(400);
  expect(ledger()).toEqual([
    { kind: "topup", amount: 1000 },
    { kind: "adjustment", amount: -600 },
  ]);
});

test("a credit whose write fails gives the money back and rejects; an unknown account is null at once", async () => {
  const { book, acct, key, gate, ledger } = await rig(1000);
  gate.fail = true;
  const write = book.credit(acct.id, 500, "topup", null, Date.now());
  expect(book.available(key)).toBe(1500);
  await expect(write!).rejects.toThrow("database away");
  expect(book.get(acct.id)!.balance).toBe(1000);
  expect(ledger()).toEqual([{ kind: "topup", amount: 1000 }]);
  expect(book.credit("acc_none", 5, "topup", null, Date.now())).toBeNull();
});

test("a plan fee whose write fails is given back and due again at the next request", async () => {
  const { store, book, acct, gate, ledger } = await rig(1000);
  const plans = new PlanBook(book, store);
  await plans.load();
  const jan = Date.UTC(2027, 0, 15);
  const fields = {
    name: "P",
    requestsPerMinute: null,
    requestsPerDay: null,
    tokensPerDay: null,
    concurrentRequests: null,
    models: null,
    priceMultiplierPpm: 1_000_000,
  };
  await plans.create("free", { ...fields, name: "Free", isDefault: true, monthlyFee: 0 }, jan);
  await plans.create("p", { ...fields, isDefault: false, monthlyFee: 300 }, jan);
  await plans.assign(acct.id, "p", jan);
  expect(book.get(acct.id)!.balance).toBe(700);

  const feb = Date.UTC(2027, 1, 1);
  gate.fail = true;
  // The request path does not wait for the fee's write: it goes on with the plan.
  expect(plans.current(acct.id, feb)?.id).toBe("p");
  await Bun.sleep(0);
  expect(book.get(acct.id)!.balance).toBe(700);
  expect(plans.assignment(acct.id)?.periodStart).toBe(Date.UTC(2027, 0, 1));

  gate.fail = false;
  expect(plans.current(acct.id, feb + 1000)?.id).toBe("p");
  await Bun.sleep(0);
  expect(book.get(acct.id)!.balance).toBe(400);
  expect(plans.assignment(acct.id)?.periodStart).toBe(feb);
  expect(ledger()).toEqual([
    { kind: "topup", amount: 1000 },
    { kind: "fee", amount: -300 },
    { kind: "fee", amount: -300 },
  ]);
});
