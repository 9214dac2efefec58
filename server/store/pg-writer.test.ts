/**
 * The group commit on a real PostgreSQL (server/testing/pg-server.ts): the same contract as
 * the SQLite writers (writer.test.ts): one batch per loop turn, each entry atomic and
 * failing alone, its promise resolved only once committed; charges settle through
 * `tollgate_settle` in the batch's transaction, with their log rows.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { migratePg, openPg } from "../../db/pg/client.ts";
import { accounts, apiKeys, requestLog } from "../../db/pg/schema/index.ts";
import { blankLogRow } from "../testing/log-row.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { writerBehaves } from "../testing/writer-contract.ts";
import { PgReachability } from "./pg-reachability.ts";
import { PgWriter } from "./pg-writer.ts";
import type { Entry } from "./writes.ts";

let pg: PgServer;
let pool: ReturnType<typeof openPg>;

beforeAll(async () => {
  pg = await startPg();
  pool = openPg(await pg.createDatabase("pg_writer_test"), { max: 4 });
  await migratePg(pool.db);
  await pool.db.insert(accounts).values({ id: "acc", name: "acc", balance: 1000, used: 0, createdAt: 1 });
  await pool.db.insert(apiKeys).values({
    id: "key",
    accountId: "acc",
    name: "k",
    prefix: "tg",
    hash: "h",
    spendLimit: 700,
    createdAt: 1,
  });
}, 60_000);
afterAll(async () => {
  await pool?.client.close();
  await pg?.stop();
});

const query = async <T>(text: string) => (await pool.client.unsafe(text)) as T[];
const createdAts = async () =>
  (await query<{ v: string }>("SELECT created_at AS v FROM request_log ORDER BY created_at")).map((r) =>
    Number(r.v),
  );

test("batches per loop turn; a failed entry fails alone and atomically", async () => {
  await writerBehaves(new PgWriter(pool.db), createdAts, "duplicate key");
});

const charged = (n: number, amount: number, at: number): Entry => [
  {
    op: "request_log.insert",
    row: { ...blankLogRow(`c${n}`, at), keyId: "key", accountId: "acc", cost: amount },
  },
  { charge: { ledgerId: `txn_${n}`, accountId: "acc", keyId: "key", amount, requestId: `c${n}`, at } },
];

test("charges settle with their log rows in the batch, capped by the key's limit; touches move last use forward", async () => {
  const writer = new PgWriter(pool.db);
  // 4 × 200 against a key limit of 700: the last is capped at 100 (tollgate_settle).
  await Promise.all([1, 2, 3, 4].map((n) => writer.enqueue(charged(n, 200, 5000 + n))));
  await writer.enqueue([{ touch: { keyId: "key", at: 9000 } }]);
  await writer.enqueue([{ touch: { keyId: "key", at: 100 } }]);
  const [acct] = await pool.db.select().from(accounts).where(sql`${accounts.id} = 'acc'`);
  const [key] = await pool.db.select().from(apiKeys).where(sql`${apiKeys.id} = 'key'`);
  expect(acct).toMatchObject({ balance: 300, used: 700 });
  expect(key).toMatchObject({ used: 700, lastUsedAt: 9000 });
  const ledger = await query<{ amount: string; balance_after: string; request_id: string }>(
    "SELECT amount, balance_after, request_id FROM ledger ORDER BY position",
  );
  expect(ledger.map((l) => [Number(l.amount), Number(l.balance_after), l.request_id])).toEqual([
    [-200, 800, "c1"],
    [-200, 600, "c2"],
    [-200, 400, "c3"],
    [-100, 300, "c4"],
  ]);
  // A retried charge (same ledger id) charges nothing twice; it reports the first charge, with the mirror's values.
  await expect(writer.enqueue(charged(1, 200, 5001).slice(1))).resolves.toEqual({
    settled: [
      {
        ledgerId: "txn_1",
        accountId: "acc",
        keyId: "key",
        charged: 200,
        balance: 300,
        version: 4,
        keyUsed: 700,
      },
    ],
  });
  const [again] = await pool.db.select().from(accounts).where(sql`${accounts.id} = 'acc'`);
  expect(again?.balance).toBe(300);
  await writer.close();
});

test("idempotency puts replace the stored response (the later one wins within a batch too); media rows land", async () => {
  const writer = new PgWriter(pool.db);
  const put = (body: string, at: number): Entry => [
    {
      op: "idempotency.put",
      row: {
        keyId: "key",
        idemKey: "idem-1",
        bodyHash: `h-${body}`,
        status: 200,
        headers: { "x-a": body },
        body,
        createdAt: at,
      },
    },
  ];
  await writer.enqueue(put("first", 1));
  // One batch holding two puts under the same key: both succeed and the later one stands
  // (an upsert cannot touch a row twice, so the batch sends the later row only).
  await Promise.all([writer.enqueue(put("second", 2)), writer.enqueue(put("third", 3))]);
  await writer.enqueue([
    {
      op: "generated_media.insert",
      row: {
        id: "img_1",
        kind: "image",
        accountId: "acc",
        keyId: "key",
        requestId: "r1",
        providerId: "p",
        upstreamRefEnc: "sealed",
        mimeType: "image/png",
        meta: { size: "1024x1024" },
        createdAt: 1,
        expiresAt: 2,
      },
    },
  ]);
  expect(await query("SELECT body, headers, created_at::int AS at FROM idempotency")).toEqual([
    { body: "third", headers: { "x-a": "third" }, at: 3 },
  ]);
  expect(await query("SELECT id, meta, jsonb_typeof(meta) AS t FROM generated_media")).toEqual([
    { id: "img_1", meta: { size: "1024x1024" }, t: "object" },
  ]);
  await writer.close();
});

test("log rows keep every column as written (JSON arrays, booleans, nulls); a capped charge's row says what was charged", async () => {
  const writer = new PgWriter(pool.db);
  const row = {
    ...blankLogRow("full", 7000),
    keyId: "key",
    accountId: "acc",
    model: "m",
    stream: true,
    inputTokens: 3_000_000_000,
    usageSource: "upstream" as const,
    cost: 500,
    ttftMs: 12,
    errorMessage: 'it\'s "quoted"\n',
    attempts: [{ provider: "p", status: 200 }],
    droppedFields: ["seed"],
  };
  // The key has 0 of its 700 left after the test above: PostgreSQL caps the charge at 0.
  await writer.enqueue([
    { op: "request_log.insert", row },
    {
      charge: {
        ledgerId: "txn_full",
        accountId: "acc",
        keyId: "key",
        amount: 500,
        requestId: "full",
        at: 7000,
      },
    },
  ]);
  const [got] = await pool.db.select().from(requestLog).where(sql`${requestLog.id} = 'full'`);
  expect(got).toEqual({ ...row, cost: 0 });
  expect(
    await query(
      "SELECT jsonb_typeof(attempts) AS a, jsonb_typeof(dropped_fields) AS d FROM request_log WHERE id = 'full'",
    ),
  ).toEqual([{ a: "array", d: "array" }]);
  await writer.close();
});

test("a read-only server (a standby after a failover) refuses the batch: unreachable for writes, not the entries' own fault", async () => {
  const url = await pg.createDatabase("pg_writer_read_only");
  const setup = openPg(url, { max: 1 });
  await migratePg(setup.db);
  await setup.db.insert(accounts).values({ id: "acc", name: "acc", balance: 1000, used: 0, createdAt: 1 });
  await setup.client.unsafe(`ALTER DATABASE pg_writer_read_only SET default_transaction_read_only = on`);
  await setup.client.close();
  // New connections are read-only from here, as every connection to a standby is.
  const ro = openPg(url, { max: 2 });
  // The fresh-connection probe sees a standby (pg-reachability.ts freshConnectionProbe): refused.
  let probes = 0;
  const reachability = new PgReachability(async () => {
    probes++;
    throw new Error("PostgreSQL is a read-only standby");
  });
  const writer = new PgWriter(ro.db, reachability);
  const failures: unknown[] = [];
  writer.onFailure = (e) => failures.push(e);
  try {
    expect(writer.reachable).toBe(true);
    const entry: Entry = [{ op: "request_log.insert", row: { ...blankLogRow("ro1", 1), accountId: "acc" } }];
    const err = await writer.enqueue(entry).then(
      () => null,
      (e: unknown) => e,
    );
    // Refused as a whole by the server (nothing committed), not "outcome unknown", not the entry's fault.
    expect(String(err)).toContain("read-only transaction");
    expect(err?.constructor.name).not.toBe("CommitOutcomeUnknown");
    expect(failures).toHaveLength(1);
    // The writer told reachability, which confirmed it on a fresh connection: billed calls are now refused up front.
    for (let i = 0; i < 100 && writer.reachable; i++) await Bun.sleep(10);
    expect(probes).toBe(1);
    expect(writer.reachable).toBe(false);
  } finally {
    reachability.stop();
    await writer.close();
    await ro.client.close();
  }
});
