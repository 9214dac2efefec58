/**
 * Money across replicas, joined (docs/scale-out.md, "Money holds"): two "replicas" in this
 * process, each its own ClusterBook, Redis connection, PostgreSQL pool and PgWriter, over one
 * real PostgreSQL and one real Redis started here. Calls go through BilledCall as the
 * gateway's do: a hold in Redis, a charge committed by the group commit (tollgate_settle),
 * the hold released with what PostgreSQL returned.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { migratePg, openPg } from "../../db/pg/client.ts";
import { pgStore } from "../../db/pg/queries/store.ts";
import { accounts, apiKeys, ledger, ledgerEntries, requestLog } from "../../db/pg/schema/index.ts";
import { ClusterHolds } from "../cluster/holds.ts";
import { pgMirror } from "../cluster/pg-mirror.ts";
import { SharedRedis } from "../cluster/shared-redis.ts";
import { GatewayError } from "../errors.ts";
import type { BilledCallDeps } from "../gateway/billed-call.ts";
import { BilledCall } from "../gateway/billed-call.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { PgWriter } from "../store/pg-writer.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { ClusterBook, HoldRefused } from "./cluster-book.ts";

let pg: PgServer;
let redis: RedisServer;
let url: string;
type Pool = ReturnType<typeof openPg>;
let admin: Pool;

type Replica = { book: ClusterBook; writer: PgWriter; pool: Pool; redis: SharedRedis; deps: BilledCallDeps };
const replicas: Replica[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPg(), startRedis()]);
  url = await pg.createDatabase("cluster_book_test");
  admin = openPg(url, { max: 2 });
  await migratePg(admin.db);
}, 60_000);
afterAll(async () => {
  for (const r of replicas) {
    r.book.stop();
    r.redis.close();
    await r.writer.close().catch(() => {});
    await r.pool.client.close();
  }
  await admin?.client.close();
  await Promise.all([pg?.stop(), redis?.stop()]);
});

/** One gateway replica's money path; `leaseMs` small where a test waits for a lease to run out. */
async function replica(leaseMs = 30_000, tickMs?: number): Promise<Replica> {
  const shared = new SharedRedis(redis.url, 100);
  await shared.connect();
  const pool = openPg(url, { max: 4 });
  const book = new ClusterBook(
    pgStore(pool.db),
    new ClusterHolds(shared.client, leaseMs),
    pgMirror(pool.db),
    tickMs,
  );
  const writer = new PgWriter(pool.db);
  const deps = {
    book,
    commits: writer,
    idempotency: {} as BilledCallDeps["idempotency"],
    recordRequest: () => {},
    inFlight: 0,
  } satisfies BilledCallDeps;
  const r = { book, writer, pool, redis: shared, deps };
  replicas.push(r);
  return r;
}

let seq = 0;
/** An account and a key in PostgreSQL, loaded by each replica's book; the key as each replica's KeyStore would hold it. */
async function account(balance: number, spendLimit: number | null, ...on: Replica[]) {
  const n = ++seq;
  const accountId = `acc_${n}`;
  const keyId = `key_${n}`;
  await admin.db.insert(accounts).values({ id: accountId, name: accountId, balance, used: 0, createdAt: 1 });
  await admin.db
    .insert(apiKeys)
    .values({ id: keyId, accountId, name: "k", prefix: "tg", hash: keyId, spendLimit, createdAt: 1 });
  for (const r of on) await r.book.load();
  const key = (): KeyRecord => ({
    id: keyId,
    accountId,
    name: "k",
    prefix: "tg",
    status: "active",
    rpmLimit: null,
    dailyRequestLimit: null,
    spendLimit,
    used: 0,
    budgetPeriod: null,
    periodStart: null,
    periodUsed: 0,
    reserved: 0,
    models: null,
    expiresAt: null,
    lastUsedAt: null,
    createdAt: 1,
  });
  return { accountId, keyId, keys: on.map(key) };
}

/** One billed call as the gateway runs it: reserve `bound`, "run", settle at `cost`. */
async function billed(r: Replica, key: KeyRecord, bound: number, cost: number, work?: () => Promise<void>) {
  const call = BilledCall.open(r.deps, {
    requestId: `req_${++seq}`,
    startedAt: Date.now(),
    t0: performance.now(),
    endpoint: "/v1/chat/completions",
    stream: false,
  });
  call.identify(key);
  try {
    await call.reserve(bound);
  } catch (err) {
    await call.fail(err);
    return { admitted: false as const, err };
  }
  await work?.();
  await call.settle({ usage: zeroUsage, source: "upstream", status: 200, outcome: "ok", error: null, cost });
  return { admitted: true as const, cost };
}
const zeroUsage = { inputTokens: 0, cachedTokens: 0, outputTokens: 0 };

async function books(accountId: string) {
  const [acct] = await admin.db.select().from(accounts).where(eq(accounts.id, accountId));
  const [l] = await admin.db
    .select({ charged: sql<string>`coalesce(-sum(${ledger.amount}), 0)` })
    .from(ledger)
    .where(sql`${ledger.accountId} = ${accountId} and ${ledger.kind} = 'charge'`);
  const [logged] = await admin.db
    .select({ cost: sql<string>`coalesce(sum(${requestLog.cost}), 0)` })
    .from(requestLog)
    .where(eq(requestLog.accountId, accountId));
  return {
    balance: acct?.balance,
    version: acct?.version,
    ledger: Number(l?.charged),
    logged: Number(logged?.cost),
  };
}

const mirror = (accountId: string) =>
  (replicas[0] as Replica).redis.client.hmget(`tg:{${accountId}}:acct`, ["balance", "version", "reserved"]);

/** Releases run in the background after their commit: waits until Redis holds nothing for the account. */
async function released(accountId: string) {
  for (let i = 0; i < 200 && (await mirror(accountId))[2] !== "0"; i++) await Bun.sleep(10);
  return mirror(accountId);
}

test("50 parallel calls on a small balance split across two replicas: never below zero, charged = upstream cost", async () => {
  const a = await replica();
  const b = await replica();
  const { accountId, keys } = await account(1_000, null, a, b);
  const BOUND = 70;
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => {
      const r = i % 2 ? b : a;
      // At most the bound, as the reservation plan guarantees.
      return billed(r, keys[i % 2] as KeyRecord, BOUND, 40 + (i % 31), () => Bun.sleep(i % 7));
    }),
  );
  const admitted = results.filter((r) => r.admitted);
  const refused = results.filter((r) => !r.admitted);
  expect(admitted.length).toBeGreaterThanOrEqual(14); // at least floor(1000 / 70) fit at once
  expect(refused.length).toBeGreaterThan(0);
  for (const r of refused) expect(r.err).toBeInstanceOf(HoldRefused);
  const charged = admitted.reduce((s, r) => s + r.cost, 0);
  const after = await books(accountId);
  expect(after.balance).toBeGreaterThanOrEqual(0);
  expect(after).toMatchObject({ balance: 1_000 - charged, ledger: charged, logged: charged });
  // The releases run in the background after the commits: the mirror ends equal to PostgreSQL, nothing held.
  expect(await released(accountId)).toEqual([String(after.balance), String(after.version), "0"]);
  expect(a.book.leases.size + b.book.leases.size).toBe(0);
  // Each replica's planning view followed PostgreSQL's newest balance it saw.
  for (const r of [a, b]) expect(r.book.get(accountId)?.reserved).toBe(0);
});

test("a key's spend limit holds across replicas; a top-up on one moves the mirror the other reserves against", async () => {
  const a = replicas[0] as Replica;
  const b = replicas[1] as Replica;
  const { accountId, keys } = await account(100, 1_000, a, b);
  // 100 of balance: a hold of 100 on one replica leaves nothing for the other.
  expect((await billed(a, keys[0] as KeyRecord, 100, 100)).admitted).toBe(true);
  const broke = await billed(b, keys[1] as KeyRecord, 10, 10);
  expect(broke.admitted).toBe(false);
  expect((broke as { err: HoldRefused }).err.which).toBe("account");
  // A top-up through replica a's book: committed in PostgreSQL, then the mirror moves.
  await a.book.credit(accountId, 5_000, "topup", null, Date.now());
  expect((await billed(b, keys[1] as KeyRecord, 500, 500)).admitted).toBe(true);
  // The key's own limit (1000) now binds before the balance (5000 left): 600 spent, 400 free.
  const over = await billed(a, keys[0] as KeyRecord, 500, 500);
  expect(over.admitted).toBe(false);
  expect((over as { err: HoldRefused }).err).toMatchObject({ which: "key", free: 400 });
  expect(await books(accountId)).toMatchObject({ balance: 4_500, ledger: 600 });
});

test("a replica that stops renewing (killed) has its holds expire within the lease; a live one keeps its hold", async () => {
  const LEASE = 600;
  const dead = await replica(LEASE, 150);
  const live = await replica(LEASE, 150);
  const other = replicas[0] as Replica;
  const { keys } = await account(100, null, dead, live, other);
  const [deadKey, liveKey, otherKey] = keys as [KeyRecord, KeyRecord, KeyRecord];
  dead.book.start();
  live.book.start();
  // The dead replica holds 60 and dies mid-call: no release, no renewal.
  await dead.book.reserve(deadKey, 60);
  dead.book.stop();
  // The live one holds 40 for a long call, renewing.
  let finish = () => {};
  const running = billed(live, liveKey, 40, 30, () => new Promise<void>((r) => (finish = r)));
  await Bun.sleep(50);
  expect((await billed(other, otherKey, 10, 10)).admitted).toBe(false);
  // After the dead replica's lease (and three of the live one's), its 60 is free again; the live 40 is still held.
  await Bun.sleep(3 * LEASE);
  const after = await billed(other, otherKey, 60, 60);
  expect(after.admitted).toBe(true);
  expect((await billed(other, otherKey, 1, 1)).admitted).toBe(false);
  finish();
  expect((await running).admitted).toBe(true);
  expect(live.book.leases.counts.leaseLost).toBe(0);
  live.book.stop();
}, 20_000);

test("Redis restarted: retryable 503s while it is away and during recovery; open holds put back; no lost or double charge", async () => {
  const a = replicas[0] as Replica;
  const b = replicas[1] as Replica;
  const { accountId, keys } = await account(100, null, a, b);
  const [aKey, bKey] = keys as [KeyRecord, KeyRecord];
  a.book.start();
  b.book.start();
  // a holds 80 for a call that is still running when Redis restarts.
  let finish = () => {};
  const running = billed(a, aKey, 80, 70, () => new Promise<void>((r) => (finish = r)));
  await Bun.sleep(50);
  await redis.restart();
  // Until each replica has seen the new run id and put its holds back, a reservation is a retryable 503.
  const refusals: unknown[] = [];
  let served: Awaited<ReturnType<typeof billed>> | null = null;
  for (let i = 0; i < 200 && !served; i++) {
    const r = await billed(b, bKey, 50, 50);
    if (r.admitted || r.err instanceof HoldRefused) served = r;
    else refusals.push(r.err);
    await Bun.sleep(20);
  }
  expect(refusals.length).toBeGreaterThan(0);
  for (const err of refusals) {
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 503, code: "shared_state_unavailable" });
  }
  expect(a.book.leases.counts.reposted).toBe(1);
  // a's 80 is held again in the new Redis: 20 free, so 50 is refused (not admitted against a forgotten hold).
  expect(served?.admitted).toBe(false);
  expect((served as { err: HoldRefused }).err).toMatchObject({ which: "account", free: 20 });
  finish();
  expect((await running).admitted).toBe(true);
  expect(await released(accountId)).toEqual(["30", "1", "0"]);
  expect((await billed(b, bKey, 30, 30)).admitted).toBe(true);
  expect(await books(accountId)).toMatchObject({ balance: 0, ledger: 100, logged: 100 });
  a.book.stop();
  b.book.stop();
}, 30_000);

test("a replica paused past its lease: another spends the money; the late charge is capped, the row says so, the loss is counted", async () => {
  const LEASE = 600;
  const paused = await replica(LEASE, 150);
  const other = replicas[0] as Replica;
  const { accountId, keys } = await account(100, null, paused, other);
  const [pausedKey, otherKey] = keys as [KeyRecord, KeyRecord];
  paused.book.start();
  let resume = () => {};
  const late = billed(paused, pausedKey, 100, 80, async () => {
    // The pause: no renewals from here (a stopped process, a cut network) until the call ends.
    paused.book.stop();
    await new Promise<void>((r) => (resume = r));
  });
  await Bun.sleep(50);
  expect((await billed(other, otherKey, 100, 100)).admitted).toBe(false);
  await Bun.sleep(2 * LEASE);
  // Its lease ran out: the money is free again, and another replica spends all of it.
  expect((await billed(other, otherKey, 100, 100)).admitted).toBe(true);
  resume();
  await late;
  expect(await books(accountId)).toMatchObject({ balance: 0, ledger: 100, logged: 100 });
  for (let i = 0; i < 100 && paused.book.leases.counts.leaseLost === 0; i++) await Bun.sleep(10);
  expect(paused.book.leases.counts.leaseLost).toBe(1);
}, 20_000);

test("a refresh takes balances from the table and keeps the objects callers hold: a change made meanwhile stays", async () => {
  const r = await replica();
  const { accountId } = await account(100, null, r);
  // Another replica's top-up, straight in the table.
  await admin.db.update(accounts).set({ balance: 250, version: 1 }).where(eq(accounts.id, accountId));
  const refreshed = r.book.refresh();
  const updated = r.book.update(accountId, { status: "suspended" });
  await refreshed;
  const held = await updated;
  // The object the update changed is the one the book serves (a refresh no longer replaces it)...
  expect(held).toBe(r.book.get(accountId) as NonNullable<typeof held>);
  expect(held?.balance).toBe(250);
  // ...and the next refresh reads the update back (one whose snapshot predates the update may
  // show the old status until then: the admin write's change signal triggers that refresh).
  await r.book.refresh();
  expect(r.book.get(accountId)).toMatchObject({ status: "suspended", balance: 250 });
});

test("a key's limit per budget period holds across replicas: the period's spend in Redis, not the lifetime's", async () => {
  const a = replicas[0] as Replica;
  const b = replicas[1] as Replica;
  const { accountId, keyId, keys } = await account(10_000, 300, a, b);
  // Past periods spent far beyond the limit; this period has spent 100 already (in the ledger).
  await admin.db.update(apiKeys).set({ used: 5_000, budgetPeriod: "daily" }).where(eq(apiKeys.id, keyId));
  await admin.db.insert(ledgerEntries).values({
    id: `txn_period_${keyId}`,
    accountId,
    kind: "charge",
    amount: -100,
    balanceAfter: 9_900,
    keyId,
    requestId: null,
    note: null,
    createdAt: Date.now(),
  });
  for (const k of keys) Object.assign(k, { budgetPeriod: "daily", used: 5_000 });
  // 200 of the limit is left: 10 calls of 70 at once across both replicas fit twice at most.
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => billed(i % 2 ? b : a, keys[i % 2] as KeyRecord, 70, 70)),
  );
  const admitted = results.filter((r) => r.admitted).length;
  expect(admitted).toBe(2);
  for (const r of results.filter((x) => !x.admitted))
    expect((r as { err: HoldRefused }).err.which).toBe("key");
  const [spent] = await admin.db
    .select({ s: sql<string>`-sum(${ledger.amount})` })
    .from(ledger)
    .where(sql`${ledger.keyId} = ${keyId} and ${ledger.kind} = 'charge'`);
  // Charged in full (not capped by the lifetime spend), and the period stays within its limit.
  expect(Number(spent?.s)).toBe(100 + 2 * 70);
});

test("a group commit's holds end in one script per batch, each once, with the balance the batch committed", async () => {
  const r = await replica();
  const { accountId, keys } = await account(10_000, null, r);
  const key = keys[0] as KeyRecord;
  const scripts0 = r.book.releases.stats.scripts;
  const batches0 = r.writer.stats.batches;
  // 40 calls at once: reserved together, settled together, so the writer commits them in a few batches.
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => billed(r, key, 50, 10 + i)));
  expect(results.every((x) => x.admitted)).toBe(true);
  await r.book.releases.idle();
  const batches = r.writer.stats.batches - batches0;
  const scripts = r.book.releases.stats.scripts - scripts0;
  // Not one release per call: at most one per batch (a batch's entries resolve in one turn).
  expect(batches).toBeLessThan(40);
  expect(scripts).toBeLessThanOrEqual(batches);
  expect(r.book.releases.stats.holds).toBeGreaterThanOrEqual(40);
  const after = await books(accountId);
  const charged = results.reduce((s, x) => s + (x.admitted ? x.cost : 0), 0);
  expect(after).toMatchObject({ balance: 10_000 - charged, ledger: charged, logged: charged });
  // Every hold released exactly once (a second release of one would find it gone: a lost lease).
  expect(await mirror(accountId)).toEqual([String(after.balance), String(after.version), "0"]);
  expect(r.book.leases.counts.leaseLost).toBe(0);
  expect(r.book.leases.size).toBe(0);
});

test("a failed commit releases its holds without a charge; the mirror keeps the committed balance", async () => {
  const r = await replica();
  const { accountId, keys } = await account(500, null, r);
  const key = keys[0] as KeyRecord;
  expect((await billed(r, key, 100, 100)).admitted).toBe(true);
  const committed = await released(accountId);
  // The next batches fail (as a lost PostgreSQL would): nothing charged, every hold back.
  const commit = r.writer.enqueue.bind(r.writer);
  r.writer.enqueue = () => Promise.reject(new Error("connection lost"));
  try {
    const failed = await Promise.all(Array.from({ length: 5 }, () => billed(r, key, 50, 50).catch((e) => e)));
    for (const f of failed) expect(f).toMatchObject({ status: 503, code: "store_unavailable" });
  } finally {
    r.writer.enqueue = commit;
  }
  await r.book.releases.idle();
  expect(await mirror(accountId)).toEqual(committed);
  expect(await books(accountId)).toMatchObject({ balance: 400, ledger: 100 });
  expect(r.book.leases.size).toBe(0);
});

test("a call's hold is released before its answer is handed on: the client's next call may use that money at once", async () => {
  const r = await replica();
  const { accountId, keys } = await account(110, null, r);
  const key = keys[0] as KeyRecord;
  // Scripts loaded (a restarted Redis answers a script's first run NOSCRIPT, and it goes again after).
  await billed(r, key, 10, 10);
  // Each call holds 90 of what is left and costs 10: the next one fits only if the previous hold is gone.
  for (let i = 0; i < 5; i++) expect(await billed(r, key, 90 - 10 * i, 10)).toMatchObject({ admitted: true });
  expect(await books(accountId)).toMatchObject({ balance: 50, ledger: 60 });
});
