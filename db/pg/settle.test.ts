/**
 * The batched settlement on a real PostgreSQL: three connection pools stand for three
 * replicas settling at once. Whatever the interleaving, no balance goes below zero, no key
 * passes its spend limit, every cent charged is in the ledger, and a retried batch charges
 * nothing twice.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { type PgServer, startPg } from "../../server/testing/pg-server.ts";
import { migratePg, openPg } from "./client.ts";
import { type ChargeIn, settleCharges } from "./queries/settle.ts";
import { accounts, apiKeys, ledger } from "./schema/index.ts";

let pg: PgServer;
let url: string;
const pools: ReturnType<typeof openPg>[] = [];

beforeAll(async () => {
  pg = await startPg();
  url = await pg.createDatabase("settle_test");
  const first = openPg(url, { max: 4 });
  pools.push(first, openPg(url, { max: 4 }), openPg(url, { max: 4 }));
  await migratePg(first.db);
});
afterAll(async () => {
  for (const p of pools) await p.client.close();
  await pg?.stop();
});

let seq = 0;
async function accountWithKey(balance: number, spendLimit: number | null) {
  const db = (pools[0] as ReturnType<typeof openPg>).db;
  const accountId = `acc_${++seq}`;
  const keyId = `key_${seq}`;
  await db.insert(accounts).values({ id: accountId, name: accountId, balance, used: 0, createdAt: 1 });
  await db
    .insert(apiKeys)
    .values({ id: keyId, accountId, name: "k", prefix: "tg", hash: keyId, spendLimit, createdAt: 1 });
  return { accountId, keyId };
}

const charge = (accountId: string, keyId: string, amount: number): ChargeIn => {
  const n = ++seq;
  return { ledgerId: `txn_${n}`, accountId, keyId, amount, requestId: `req_${n}`, at: 1000 + n };
};

async function books(accountId: string) {
  const db = (pools[0] as ReturnType<typeof openPg>).db;
  const [acct] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  const [sum] = await db
    .select({ charged: sql<string>`coalesce(-sum(${ledger.amount}), 0)`, n: sql<string>`count(*)` })
    .from(ledger)
    .where(eq(ledger.accountId, accountId));
  return {
    balance: acct?.balance,
    used: acct?.used,
    ledgerCharged: Number(sum?.charged),
    entries: Number(sum?.n),
  };
}

test("50 charges in batches from three replicas at once never take the balance below zero", async () => {
  const { accountId, keyId } = await accountWithKey(1000, null);
  const all = Array.from({ length: 50 }, () => charge(accountId, keyId, 70));
  const batches = Array.from({ length: 10 }, (_, i) => all.slice(i * 5, i * 5 + 5));
  const results = (
    await Promise.all(batches.map((b, i) => settleCharges((pools[i % 3] as ReturnType<typeof openPg>).db, b)))
  ).flat();
  const charged = results.reduce((s, r) => s + r.charged, 0);
  expect(charged).toBe(1000); // 14 full charges of 70 and one capped at the 20 left
  expect(results.filter((r) => r.charged === 70).length).toBe(14);
  expect(await books(accountId)).toEqual({ balance: 0, used: 1000, ledgerCharged: 1000, entries: 15 });
  // The mirror's ordering: one version per charge that moved the balance.
  expect(Math.max(...results.map((r) => r.version))).toBe(15);
});

test("a key's spend limit caps its charges across replicas; its account keeps the rest", async () => {
  const { accountId, keyId } = await accountWithKey(10_000, 300);
  const all = Array.from({ length: 12 }, () => charge(accountId, keyId, 70));
  await Promise.all(all.map((c, i) => settleCharges((pools[i % 3] as ReturnType<typeof openPg>).db, [c])));
  const [key] = await (pools[0] as ReturnType<typeof openPg>).db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.id, keyId));
  expect(key?.used).toBe(300);
  expect(await books(accountId)).toEqual({ balance: 9_700, used: 300, ledgerCharged: 300, entries: 5 });
});

test("a batch retried after a lost reply charges nothing twice and reports the first charge", async () => {
  const { accountId, keyId } = await accountWithKey(1000, null);
  const batch = [charge(accountId, keyId, 100), charge(accountId, keyId, 250)];
  const first = await settleCharges((pools[0] as ReturnType<typeof openPg>).db, batch);
  const again = await settleCharges((pools[1] as ReturnType<typeof openPg>).db, batch);
  expect(again.map((r) => r.charged)).toEqual(first.map((r) => r.charged));
  expect(await books(accountId)).toEqual({ balance: 650, used: 350, ledgerCharged: 350, entries: 2 });
});

test("batches touching two accounts in opposite orders from two replicas do not deadlock", async () => {
  const a = await accountWithKey(1_000_000, null);
  const b = await accountWithKey(1_000_000, null);
  const rounds = Array.from({ length: 20 }, (_, i) =>
    i % 2
      ? [charge(a.accountId, a.keyId, 1), charge(b.accountId, b.keyId, 1)]
      : [charge(b.accountId, b.keyId, 1), charge(a.accountId, a.keyId, 1)],
  );
  await Promise.all(rounds.map((r, i) => settleCharges((pools[i % 2] as ReturnType<typeof openPg>).db, r)));
  expect((await books(a.accountId)).ledgerCharged).toBe(20);
  expect((await books(b.accountId)).ledgerCharged).toBe(20);
});

test("a key with a budget period is not capped by its lifetime spend (its limit counts per period)", async () => {
  const { accountId, keyId } = await accountWithKey(10_000, 300);
  const db = (pools[0] as ReturnType<typeof openPg>).db;
  // Last period's spend reached the limit; the period rolled, so the reservations admitted more.
  await db.update(apiKeys).set({ used: 300, budgetPeriod: "daily" }).where(eq(apiKeys.id, keyId));
  const [r] = await settleCharges(db, [charge(accountId, keyId, 120)]);
  expect(r?.charged).toBe(120);
  expect(r?.keyUsed).toBe(420);
});
