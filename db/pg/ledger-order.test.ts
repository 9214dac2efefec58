/**
 * Ledger positions in commit order on a real PostgreSQL (migration 0005). A reader that
 * polls "entries after the last position I saw" (the account book's refresh, the ledger
 * export) must never skip an entry, however writers on two pools interleave: a
 * transaction that took a position and has not committed yet must not let a later
 * position become visible before it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { type PgServer, startPg } from "../../server/testing/pg-server.ts";
import { migratePg, openPg } from "./client.ts";
import { creditAccount, ledgerAfter } from "./queries/billing.ts";
import { settleCharges } from "./queries/settle.ts";
import { accounts, apiKeys } from "./schema/index.ts";

let pg: PgServer;
type Pool = ReturnType<typeof openPg>;
let writers: [Pool, Pool];
let reader: Pool;

beforeAll(async () => {
  pg = await startPg();
  const url = await pg.createDatabase("ledger_order_test");
  writers = [openPg(url, { max: 8 }), openPg(url, { max: 8 })];
  reader = openPg(url, { max: 2 });
  await migratePg(writers[0].db);
  for (const id of ["a", "b"]) {
    await writers[0].db
      .insert(accounts)
      .values({ id, name: id, balance: 1_000_000_000, used: 0, createdAt: 1 });
    await writers[0].db
      .insert(apiKeys)
      .values({ id: `k${id}`, accountId: id, name: "k", prefix: "tg", hash: id, createdAt: 1 });
  }
}, 60_000);
afterAll(async () => {
  for (const p of [...(writers ?? []), reader]) await p?.client.close();
  await pg?.stop();
});

let seq = 0;
/** One ledger-writing transaction that waits `holdMs` (or until `release`) between its insert and its commit. */
function write(pool: Pool, kind: "charge" | "credit", hold: () => Promise<void>): Promise<string> {
  const n = ++seq;
  const id = `txn_${n}`;
  const accountId = n % 2 ? "a" : "b";
  return pool.db.transaction(async (tx) => {
    if (kind === "charge")
      await settleCharges(tx, [
        { ledgerId: id, accountId, keyId: `k${accountId}`, amount: 1, requestId: `r${n}`, at: n },
      ]);
    else await creditAccount(tx, { id, accountId, kind: "topup", amount: 5, note: null, createdAt: n });
    await hold();
    return id;
  });
}

/** The account book's way of reading: entries after a cursor, the cursor moved to the last one seen. */
function follower() {
  let cursor = 0;
  const seen = new Set<string>();
  return {
    seen,
    async poll() {
      for (const m of await ledgerAfter(reader.db, cursor)) {
        seen.add(m.id);
        cursor = m.position;
      }
    },
  };
}

async function waitingOnLock(): Promise<boolean> {
  const rows = (await reader.client.unsafe(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
  )) as { n: number }[];
  return (rows[0]?.n ?? 0) > 0;
}

test("a later writer waits for the earlier one's commit: the reader never sees a position ahead of a gap", async () => {
  const f = follower();
  await f.poll();
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  // The first takes its position and stays open; the second (other pool, other account) comes after.
  const first = write(writers[0], "charge", () => held);
  await Bun.sleep(50);
  let secondDone = false;
  const second = write(writers[1], "credit", async () => {}).then((id) => {
    secondDone = true;
    return id;
  });
  // Either the second waits on the ledger lock (the fix), or it has committed already (the old order).
  while (!secondDone && !(await waitingOnLock())) await Bun.sleep(5);
  await f.poll();
  release();
  const ids = await Promise.all([first, second]);
  await f.poll();
  expect([...f.seen].sort()).toEqual([...ids].sort());
});

test("two pools of writers, charges and top-ups, held open at random: a polling reader misses nothing", async () => {
  const f = follower();
  await f.poll();
  let writing = true;
  const polling = (async () => {
    while (writing) {
      await f.poll();
      await Bun.sleep(1);
    }
  })();
  const jobs = Array.from({ length: 60 }, (_, i) =>
    write(writers[i % 2] as Pool, i % 3 ? "charge" : "credit", () => Bun.sleep((i * 7) % 11)),
  );
  const ids = await Promise.all(jobs);
  writing = false;
  await polling;
  await f.poll();
  expect(ids.filter((id) => !f.seen.has(id))).toEqual([]);
  // Positions follow commit order: the balances each entry recorded are consistent per account.
  const rows = (await reader.db.execute(
    sql`select count(*)::int as n from ledger l1 join ledger l2 on l1.account_id = l2.account_id
        and l1.position < l2.position and l2.balance_after <> l1.balance_after + l2.amount
        and not exists (select 1 from ledger l3 where l3.account_id = l1.account_id and l3.position > l1.position and l3.position < l2.position)`,
  )) as unknown as { n: number }[];
  expect(rows[0]?.n).toBe(0);
});
