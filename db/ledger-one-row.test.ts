/**
 * One row per charged request (docs/performance.md, "The durable commit"): the request's log
 * row carries its charge, and `ledger` is a view over ledger_entries and those log rows. On
 * both engines: a charged request writes no ledger entry of its own; the ledger reads the
 * same running balance, in commit order, as charges and credits interleave; and a database
 * from before the change (its charges in the ledger table) migrates without counting
 * anything twice, new entries following the old ones.
 */

import type { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { BatchExecutor } from "../server/store/batch-executor.ts";
import type { Entry } from "../server/store/writes.ts";
import { blankLogRow } from "../server/testing/log-row.ts";
import { type PgServer, startPg } from "../server/testing/pg-server.ts";
import { migrateDb, openDb } from "./client.ts";
import { migratePg, openPg, PG_MIGRATIONS } from "./pg/client.ts";
import { pgStore } from "./pg/queries/store.ts";
import { commitBatch } from "./pg/queries/writes.ts";
import { sqliteStore } from "./queries/store.ts";
import type { Store } from "./store.ts";

const MIGRATIONS = `${import.meta.dir}/migrations`;
const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 12);

type Row = Record<string, unknown>;
type Engine = {
  kind: "sqlite" | "postgres";
  store: Store;
  commit(entries: Entry[]): Promise<void>;
  /** One statement in the SQL both dialects share, `?` placeholders; bigints as numbers. */
  sql(query: string, ...params: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
};

function sqliteEngine(sqlite: Database, db: ReturnType<typeof openDb>["db"]): Engine {
  const executor = new BatchExecutor(sqlite);
  return {
    kind: "sqlite",
    store: sqliteStore(db),
    async commit(entries) {
      expect(executor.run(entries).failed).toEqual([]);
    },
    async sql(query, ...params) {
      return sqlite.query(query).all(...(params as never[])) as Row[];
    },
    async close() {
      sqlite.close();
    },
  };
}

async function pgEngine(url: string, folder = PG_MIGRATIONS): Promise<Engine> {
  const { client, db } = openPg(url, { max: 2 });
  await migratePg(db, folder);
  return {
    kind: "postgres",
    store: pgStore(db),
    async commit(entries) {
      expect((await commitBatch(db, entries)).failed).toEqual([]);
    },
    async sql(query, ...params) {
      let n = 0;
      const rows = (await client.unsafe(
        query.replace(/\?/g, () => `$${++n}`),
        params,
      )) as Row[];
      return [...rows].map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v]),
        ),
      );
    },
    async close() {
      await client.close();
    },
  };
}

let pg: PgServer;
let work: string;
let databases = 0;
beforeAll(async () => {
  pg = await startPg();
  work = mkdtempSync(join(tmpdir(), "tollgate-one-row-"));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const freshSqlite = () => {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, MIGRATIONS);
  return sqliteEngine(sqlite, db);
};
const freshPg = async () => pgEngine(await pg.createDatabase(`one_row_${++databases}`));
const ENGINES: [string, () => Promise<Engine>][] = [
  ["sqlite", async () => freshSqlite()],
  ["postgres", freshPg],
];

async function account(e: Engine, id: string, balance: number): Promise<void> {
  await e.store.accounts.insert(
    {
      id,
      name: id,
      balance,
      used: 0,
      configHash: null,
      status: "active",
      lowBalanceThreshold: null,
      createdAt: 1,
    },
    balance !== 0 ? { id: `open_${id}`, note: "opening" } : null,
  );
  await e.sql(
    "INSERT INTO api_keys (id, account_id, name, prefix, hash, status, used, created_at) VALUES (?, ?, 'k', 'p', ?, 'active', 0, 1)",
    `key_${id}`,
    id,
    `hash_${id}`,
  );
}

/** One charged request's entry, as billed-call.ts enqueues it: the charge, its log row, the key's use. */
function charged(accountId: string, requestId: string, amount: number, at: number): Entry {
  const keyId = `key_${accountId}`;
  return [
    { charge: { ledgerId: `txn_${requestId}`, accountId, keyId, amount, requestId, at } },
    { op: "request_log.insert", row: { ...blankLogRow(requestId, at - 5), keyId, accountId, cost: amount } },
    { touch: { keyId, at: at - 5 } },
  ];
}

const ledgerOf = (e: Engine, accountId: string) =>
  e.sql(
    "SELECT id, kind, amount, balance_after, request_id, created_at FROM ledger WHERE account_id = ? ORDER BY position",
    accountId,
  );

describe.each(ENGINES)("%s", (_name, open) => {
  test("a charged request is one row: its log row carries the charge, no ledger entry of its own", async () => {
    const e = await open();
    try {
      await account(e, "acc", 1_000);
      const entries = [1, 2, 3, 4, 5].map((n) => charged("acc", `req_${n}`, 10 * n, 100 + n));
      const before = e.kind === "sqlite" ? ((await e.sql("SELECT total_changes() AS n"))[0]!.n as number) : 0;
      await e.commit(entries);
      if (e.kind === "sqlite") {
        // Rows the batch wrote: 5 log rows, the account's and the key's (once per batch). A
        // ledger entry per charge would make it 12.
        const after = (await e.sql("SELECT total_changes() AS n"))[0]!.n as number;
        expect(after - before).toBe(5 + 2);
      }
      expect(await e.sql("SELECT kind, count(*) AS n FROM ledger_entries GROUP BY kind")).toEqual([
        { kind: "topup", n: 1 },
      ]);
      const logged = await e.sql(
        "SELECT id, ledger_id, cost, balance_after, charged_at FROM request_log ORDER BY position",
      );
      expect(logged).toEqual(
        [1, 2, 3, 4, 5].map((n) => ({
          id: `req_${n}`,
          ledger_id: `txn_req_${n}`,
          cost: 10 * n,
          balance_after: 1_000 - 5 * n * (n + 1),
          charged_at: 100 + n,
        })),
      );
      // The ledger reads each charge once, as the entry it was: its ledger id, settle time, balance after.
      expect((await ledgerOf(e, "acc")).slice(1)).toEqual(
        [1, 2, 3, 4, 5].map((n) => ({
          id: `txn_req_${n}`,
          kind: "charge",
          amount: -10 * n,
          balance_after: 1_000 - 5 * n * (n + 1),
          request_id: `req_${n}`,
          created_at: 100 + n,
        })),
      );
      expect(await e.store.ledger.chargedFor("req_3")).toBe(30);
      const [acct] = await e.sql("SELECT balance, used FROM accounts WHERE id = 'acc'");
      expect(acct).toEqual({ balance: 850, used: 150 });
    } finally {
      await e.close();
    }
  }, 60_000);

  test("charges and credits interleaved: the ledger's running balance follows commit order to the account's balance", async () => {
    const e = await open();
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.record({
                op: fc.constant("batch" as const),
                amounts: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 4 }),
              }),
              fc.record({ op: fc.constant("credit" as const), amount: fc.integer({ min: -20, max: 200 }) }),
            ),
            { minLength: 1, maxLength: 12 },
          ),
          async (ops) => {
            const id = `acc_${++run}`;
            // Enough that no sequence goes below zero (at most 12 ops of 4 charges of 50, or of
            // -20 credits): PostgreSQL caps a charge at the balance left (another replica may
            // have spent it first; tested in the replicas' suites), SQLite's reservation in
            // memory makes that cap unreachable, and this property is about commit order.
            const opening = 3_000;
            await account(e, id, opening);
            // The expected ledger: every movement in the order it committed, with the balance after it.
            let balance = opening;
            const expected: Row[] = [{ kind: "topup", amount: opening, balance_after: opening }] as Row[];
            let n = 0;
            for (const o of ops) {
              if (o.op === "credit") {
                await e.store.accounts.credit({
                  id: `adj_${id}_${++n}`,
                  accountId: id,
                  kind: "adjustment",
                  amount: o.amount,
                  note: null,
                  createdAt: 7,
                });
                balance += o.amount;
                expected.push({ kind: "adjustment", amount: o.amount, balance_after: balance });
              } else {
                // Ids in commit order, as the gateway's time-ordered ids are (PostgreSQL settles
                // a batch's charges in ledger-id order, migration 0005).
                await e.commit(
                  o.amounts.map((a) => charged(id, `req_${id}_${String(++n).padStart(3, "0")}`, a, 50 + n)),
                );
                for (const a of o.amounts) {
                  balance -= a;
                  expected.push({ kind: "charge", amount: -a, balance_after: balance });
                }
              }
            }
            const ledger = await ledgerOf(e, id);
            expect(
              ledger.map(({ kind, amount, balance_after }): Row => ({ kind, amount, balance_after })),
            ).toEqual(expected);
            const [acct] = await e.sql("SELECT balance FROM accounts WHERE id = ?", id);
            expect(acct?.balance).toBe(balance);
            const [sum] = await e.sql(
              "SELECT sum(amount) AS s, count(*) AS n FROM ledger WHERE account_id = ?",
              id,
            );
            expect(sum).toEqual({ s: balance, n: expected.length });
          },
        ),
        { numRuns: RUNS },
      );
      // The account book's refresh and the export read the same order: positions only go up.
      const moves = await e.store.ledger.after(0);
      expect(moves.map((m) => m.position)).toEqual([...moves.map((m) => m.position)].sort((a, b) => a - b));
      expect(await e.store.ledger.lastPosition()).toBe(moves.at(-1)!.position);
      const pages: string[] = [];
      for (let after = 0; ; ) {
        const page = await e.store.ledger.exportAfter({}, after, 7);
        if (page.length === 0) break;
        pages.push(...page.map((r) => r.id));
        after = page.at(-1)!.seq;
      }
      expect(pages).toEqual(moves.map((m) => m.id));
    } finally {
      await e.close();
    }
  }, 120_000);
});

/** A copy of a migrations folder without its newest migration: the database before this change. */
function previousMigrations(from: string, to: string): string {
  mkdirSync(join(to, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(join(from, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  const kept = journal.entries.slice(0, -1);
  expect(journal.entries.at(-1)!.tag).toMatch(/ledger_one_row$/);
  writeFileSync(join(to, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: kept }));
  for (const e of kept)
    writeFileSync(join(to, `${e.tag}.sql`), readFileSync(join(from, `${e.tag}.sql`), "utf8"));
  return to;
}

describe("a database from before one row per charge", () => {
  /** Legacy books: an opening top-up, three charges as ledger rows with their log rows, a refund. */
  async function legacyBooks(e: Engine) {
    await e.sql(
      "INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('old', 'old', 900, 120, 1)",
    );
    await e.sql(
      "INSERT INTO api_keys (id, account_id, name, prefix, hash, status, used, created_at) VALUES ('key_old', 'old', 'k', 'p', 'h', 'active', 120, 1)",
    );
    const rows: [string, string, number, number, string | null, number][] = [
      ["txn_open", "topup", 1000, 1000, null, 1],
      ["txn_c1", "charge", -50, 950, "req_c1", 2],
      ["txn_c2", "charge", -40, 910, "req_c2", 3],
      ["txn_refund", "refund", 20, 930, null, 4],
      ["txn_c3", "charge", -30, 900, "req_c3", 5],
    ];
    for (const [id, kind, amount, after, request, at] of rows) {
      await e.sql(
        "INSERT INTO ledger (id, account_id, kind, amount, balance_after, key_id, request_id, created_at) VALUES (?, 'old', ?, ?, ?, ?, ?, ?)",
        id,
        kind,
        amount,
        after,
        kind === "charge" ? "key_old" : null,
        request,
        at,
      );
      if (request)
        await e.sql(
          "INSERT INTO request_log (id, created_at, key_id, account_id, endpoint, status, outcome, cost) VALUES (?, ?, 'key_old', 'old', 'chat.completions', 200, 'ok', ?)",
          request,
          at - 1,
          -amount,
        );
    }
    return rows.map(([id, kind, amount, balance_after]) => ({ id, kind, amount, balance_after }));
  }

  async function checkMigrated(e: Engine, legacy: Row[]) {
    const ledger = await e.sql(
      "SELECT id, kind, amount, balance_after, position FROM ledger ORDER BY position",
    );
    // Every old entry once, in its old order (its position is its place then), no log row twice.
    expect(ledger.map(({ position: _, ...r }) => r)).toEqual(legacy);
    const [sum] = await e.sql("SELECT sum(amount) AS s FROM ledger WHERE account_id = 'old'");
    expect(sum?.s).toBe(900);
    expect(await e.store.ledger.chargedFor("req_c2")).toBe(40);
    expect(await e.store.ledger.keyChargedSince("old", "key_old", 0)).toBe(120);
    // What is written after the migration follows the old entries, and the balance carries on.
    await e.commit([charged("old", "req_new", 25, 10)]);
    await e.store.accounts.credit({
      id: "txn_topup_new",
      accountId: "old",
      kind: "topup",
      amount: 100,
      note: null,
      createdAt: 11,
    });
    const tail = await e.sql("SELECT id, amount, balance_after, position FROM ledger ORDER BY position");
    expect(tail.slice(-2).map(({ id, amount, balance_after }) => ({ id, amount, balance_after }))).toEqual([
      { id: "txn_req_new", amount: -25, balance_after: 875 },
      { id: "txn_topup_new", amount: 100, balance_after: 975 },
    ]);
    const positions = tail.map((r) => r.position as number);
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const [acct] = await e.sql("SELECT balance FROM accounts WHERE id = 'old'");
    expect(acct?.balance).toBe(975);
  }

  test("sqlite: migrated forward, legacy charges are counted once and new entries follow them", async () => {
    const { sqlite, db } = openDb(":memory:");
    migrateDb(db, previousMigrations(MIGRATIONS, join(work, "sqlite-old")));
    const e = sqliteEngine(sqlite, db);
    try {
      const legacy = await legacyBooks(e);
      migrateDb(db, MIGRATIONS);
      await checkMigrated(e, legacy);
    } finally {
      await e.close();
    }
  });

  test("postgres: migrated forward, legacy charges are counted once and new entries follow them", async () => {
    const url = await pg.createDatabase(`one_row_${++databases}`);
    const old = await pgEngine(url, previousMigrations(PG_MIGRATIONS, join(work, "pg-old")));
    const legacy = await legacyBooks(old);
    await old.close();
    const e = await pgEngine(url);
    try {
      await checkMigrated(e, legacy);
    } finally {
      await e.close();
    }
  }, 60_000);
});
