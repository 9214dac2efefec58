/**
 * A replica paused longer than its lease (issue 13, docs/scale-out.md "Failure cases"): two
 * real `server/main.ts` processes on one PostgreSQL database and one Redis, leases of 2 s.
 * Replica A holds almost all of a small balance for a slow call, then its process is frozen
 * with SIGSTOP (a stopped VM, a cut network: no renewals). Its hold expires with its lease,
 * replica B spends the money it no longer blocks, and when A resumes its late charge
 * commits capped by PostgreSQL (tollgate_settle's least()), its log row saying what was
 * really charged, and A's /metrics counting the lost hold.
 *
 * What makes this fail: without the lease expiry, A's hold would block B for as long as A
 * is stopped (B's polling below never gets a 200); without the cap, A's late charge (110,000
 * nano-units) would take the balance below zero, and its row's cost would be the upstream
 * cost rather than what was left. (Both checked by hand: a lease of 90 s times out B's
 * polling; tollgate_settle without its least() charges 110,000 where 54,000 was left.)
 */

import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  adminCall,
  chatPriced as chat,
  type Outcome,
  type PgReplicaSet,
  startPgReplicaSet,
} from "../testing/pg-replica-set.ts";
import type { Spawned } from "../testing/process.ts";
import { booksOf } from "./pg-books.ts";

let set: PgReplicaSet;

beforeAll(async () => {
  set = await startPgReplicaSet({ database: "replicas_pause", n: 2, env: { TOLLGATE_HOLD_LEASE_S: "2" } });
}, 120_000);

afterAll(() => set?.stop());

async function until<T>(what: string, probeFn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probeFn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

const balanceOf = async (id: string) => (await booksOf(set.books, id)).balance;

const logRows = async (id: string) =>
  (await set.books.client.unsafe(
    `SELECT r.id, r.status::int AS status, r.output_tokens::int AS output, r.cost::bigint AS cost, -l.amount::bigint AS charged
       FROM request_log r LEFT JOIN ledger l ON l.request_id = r.id AND l.kind = 'charge'
      WHERE r.account_id = '${id}' ORDER BY r.created_at`,
  )) as { id: string; status: number; output: number; cost: string; charged: string | null }[];

const leaseLost = async (r: Spawned) => {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  return Number(/^tollgate_lease_lost_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
};

test("a replica SIGSTOPped past its lease: another spends the money, the late charge is capped at what was left, the loss is counted", async () => {
  const [a, b] = set.replicas as [Spawned, Spawned];
  const mock = set.mock;
  // 0.00015 USD = 150,000 nano-units: less than a call's full reservation (its prompt bound and
  // 100 output tokens), so A's hold is clamped to nearly all of it and what is left cannot serve B.
  const acct = await adminCall<{ id: string }>(a.url, "POST", "/accounts", {
    name: "paused",
    balance: 0.00015,
  });
  const { key } = await adminCall<{ key: string }>(a.url, "POST", "/keys", {
    account_id: acct.id,
    name: "k",
    rpm_limit: 1_000_000,
  });
  await until("both replicas to know the key", async () => {
    const seen = await Promise.all(
      [a, b].map((r) => fetch(`${r.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })),
    );
    return seen.every((res) => res.status === 200) ? true : undefined;
  });
  expect(await leaseLost(a)).toBe(0);

  // A's call: slow upstream, 10 prompt and 50 output tokens = 110,000 nano-units at list prices.
  const before = mock.received.length;
  mock.next({ delayMs: 8000, usage: { prompt_tokens: 10, completion_tokens: 50 } });
  const late = chat(a, key);
  await until("A's call to reach the upstream (its hold made)", async () =>
    mock.received.length > before ? true : undefined,
  );
  // A is alive and renewing: its hold blocks B (refused before reaching the upstream).
  expect(await chat(b, key)).toMatchObject({ status: 402, code: "insufficient_quota" });
  expect(mock.received.length).toBe(before + 1);

  a.proc.kill("SIGSTOP");
  let settledEarly = false;
  void late.then(() => {
    settledEarly = true;
  });
  // B polls: its first 200 comes only once A's hold expired with its lease (2 s without renewal).
  const spent: Outcome[] = [];
  const first = await until("B admitted after A's lease ran out", async () => {
    const o = await chat(b, key);
    return o.status === 200 ? o : undefined;
  });
  spent.push(first);
  // ...then B spends what is there, up to the balance.
  for (;;) {
    const o = await chat(b, key);
    if (o.status !== 200) {
      expect(o).toMatchObject({ status: 402, code: "insufficient_quota" });
      break;
    }
    spent.push(o);
  }
  const bSpent = spent.reduce((s, o) => s + o.cost, 0);
  const left = await balanceOf(acct.id);
  expect(left).toBe(150_000 - bSpent);
  // A is still stopped: nothing of its call was committed (the paused call is really in flight).
  expect(settledEarly).toBe(false);
  const meanwhile = await logRows(acct.id);
  expect(meanwhile.filter((x) => x.status === 200).length).toBe(spent.length);
  expect(meanwhile.some((x) => x.output === 50)).toBe(false);
  // What is left is less than A's call costs (its charge must be capped to commit), and more
  // than nothing: B is refused once what is left cannot reserve a prompt and a minimal answer
  // (54,000 here, B's calls costing 16,000 each), so the capped charge is a real ledger entry.
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThan(110_000);

  a.proc.kill("SIGCONT");
  const done = await late;
  expect(done).toEqual({ status: 200, code: null, cost: 110_000 });

  const rows = await until("A's row", async () => {
    const r = await logRows(acct.id);
    return r.some((x) => x.output === 50) ? r : undefined;
  });
  const aRow = rows.find((x) => x.output === 50);
  // The row says what PostgreSQL really charged: what was left, not the upstream's 110,000.
  expect(Number(aRow?.cost)).toBe(left);
  expect(Number(aRow?.charged)).toBe(left);
  expect(await balanceOf(acct.id)).toBe(0);

  // The books balance: every charge has its row of the same cost, the charges are the balance spent.
  expect(await booksOf(set.books, acct.id)).toEqual({
    balance: 0,
    charged: 150_000,
    charges: spent.length + 1,
    logged: 150_000,
    unmatched: 0,
  });

  // A counted its lost hold (on its next renewal or on the release that found it gone)...
  expect(
    await until("A's lease_lost count", async () => ((await leaseLost(a)) >= 1 ? true : undefined)),
  ).toBe(true);
  expect(await leaseLost(a)).toBe(1);
  expect(await leaseLost(b)).toBe(0);
  // ...and no hold is left in Redis.
  expect(
    await until("no hold left", async () =>
      (await set.probe.hget(`tg:{${acct.id}}:acct`, "reserved")) === "0" ? true : undefined,
    ),
  ).toBe(true);
}, 120_000);
