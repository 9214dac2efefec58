/**
 * A group commit whose reply is lost after PostgreSQL committed it, during a failover: every
 * pooled connection is dead (each fails the first statement sent on it) and PostgreSQL is
 * unreachable for a few seconds (found by review: the writer used to try the lookup of what
 * landed three times back to back, each on a dead pooled connection, and told the client
 * "503 store_unavailable: it was not billed" while PostgreSQL held the charge; the replica's
 * own book reverted the charge and stayed above PostgreSQL's balance until a restart).
 *
 * What must hold: a client is never told "not billed" for a charge that committed, and the
 * replica's book converges to PostgreSQL's balance. PostgreSQL back within the writer's
 * deadline: the call is answered, charged once. Away past it: a 503 `store_outcome_unknown`
 * (not `store_unavailable`), and the book learns what landed once PostgreSQL answers again.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { anthropicErrorBody } from "../dialects/anthropic/error.ts";
import { googleErrorBody } from "../dialects/gemini/error.ts";
import { openaiErrorBody } from "../dialects/openai-chat/error.ts";
import { storeOutcomeUnknown, storeUnavailable } from "../errors.ts";
import { OUTCOME_TIMING, PgWriter } from "../store/pg-writer.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { PgCutProxy } from "../testing/pg-cut-proxy.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { TcpGate } from "../testing/tcp-gate.ts";
import { accountBooks, holdAccountRow } from "./pg-books.ts";

let pg: PgServer;
let cut: PgCutProxy;
let gate: TcpGate;
let mock: MockOpenAI;
let tg: TestGateway;
let direct: string;
/** How long the network stays partitioned once the cut proxy dropped a reply. */
let partitionMs = 0;

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  direct = await pg.createDatabase("lost_reply_partition");
  const { hostname, port, pathname } = new URL(direct);
  cut = new PgCutProxy({ host: hostname, port: Number(port) }).start();
  gate = new TcpGate({ host: "127.0.0.1", port: cut.port }).start();
  // The moment the cut proxy drops the reply (PostgreSQL committed), the network partitions.
  cut.onCut = () => gate.partition(partitionMs);
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: {
      TOLLGATE_DB: `postgres://tollgate@127.0.0.1:${gate.port}${pathname}`,
      TOLLGATE_SECRET: "a-secret-for-the-lost-reply-partition-test",
    },
  });
}, 60_000);
afterAll(async () => {
  await tg?.stop();
  gate?.stop();
  cut?.stop();
  mock?.stop();
  await pg?.stop();
});

/** What PostgreSQL holds for an account, read past the proxies. */
const books = (accountId: string) => accountBooks(direct, accountId);

function writer(): PgWriter {
  const w = tg.gw.commits;
  if (!(w instanceof PgWriter)) throw new Error("the gateway commits through PgWriter on PostgreSQL");
  return w;
}

/** Until PostgreSQL answers through the gate again and the writer learned every outcome it doubted. */
async function settled(accountId: string) {
  for (let i = 0; i < 200; i++) {
    if (writer().doubted === 0 && tg.gw.commits.reachable) {
      const b = await books(accountId).catch(() => null);
      if (b && tg.gw.book.get(accountId)?.balance === b.balance) return b;
    }
    await Bun.sleep(100);
  }
  return books(accountId);
}

async function call(key: string) {
  const res = await fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: res.status, text: await res.text() };
}

/** A pool with several open connections, as under load: each one dies with the partition. */
async function warmPool() {
  await Promise.all(Array.from({ length: 6 }, () => tg.gw.store.accounts.snapshot(null)));
}

test("a commit reply lost, PostgreSQL away for 2 s (within the writer's deadline): answered, charged once", async () => {
  writer().timing = { ...OUTCOME_TIMING };
  partitionMs = 2000;
  const c = await tg.client(1);
  const start = await books(c.accountId);
  await warmPool();
  const cutsBefore = cut.cuts;
  cut.arm('"log":[');
  const res = await call(c.key);
  expect(cut.cuts).toBe(cutsBefore + 1);
  expect(res.status).toBe(200);
  const after = await settled(c.accountId);
  expect(after.charges).toHaveLength(1);
  expect(after.rows.map((r) => Number(r.status))).toEqual([200]);
  expect(after.balance).toBe(start.balance + Number(after.charges[0]?.amount));
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(after.balance);
}, 60_000);

test("a commit reply lost, PostgreSQL away past the deadline: 503 store_outcome_unknown, never 'not billed'; the book learns the charge", async () => {
  writer().timing = { ...OUTCOME_TIMING, withinMs: 1000, learnEveryMs: 200 };
  partitionMs = 4000;
  const c = await tg.client(1);
  const start = await books(c.accountId);
  await warmPool();
  const cutsBefore = cut.cuts;
  cut.arm('"log":[');
  const res = await call(c.key);
  expect(cut.cuts).toBe(cutsBefore + 1);
  expect(res.status).toBe(503);
  const body = JSON.parse(res.text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("store_outcome_unknown");
  expect(body.error.message).toContain("may have been recorded");
  expect(body.error.message).not.toContain("not billed");
  const after = await settled(c.accountId);
  // PostgreSQL holds the charge and its row (the 503's own row, under the same id, was refused).
  expect(after.charges).toHaveLength(1);
  expect(after.rows.map((r) => Number(r.status))).toEqual([200]);
  expect(after.balance).toBe(start.balance + Number(after.charges[0]?.amount));
  expect(writer().doubted).toBe(0);
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(after.balance);
  // And it stays there: a refresh of the replica's books does not move it.
  await tg.gw.reload();
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(after.balance);
}, 60_000);

test("a batch still waiting for a lock when its connection is cut, the network away past the deadline: it cannot land after the writer's check", async () => {
  // The writer gives up and the client gets store_outcome_unknown. Once PostgreSQL answers,
  // the writer's check finds nothing landed: the batch still waits for the account's row.
  // Before, memory gave the charge back then, and the lock's release let the batch commit
  // it. Now the check first puts the request's failure row in (its fence), which waits for
  // the row as well; whichever of the two goes first, the other fails on the row's key, and
  // the check reads what is there. The writer's deadline (3 s) outlasts the probe that finds
  // PostgreSQL unreachable, so the request's own failure row, which would fence it as well,
  // is not written: the case the fence is for (without it this test fails: memory below
  // PostgreSQL by the late charge).
  writer().timing = { ...OUTCOME_TIMING, withinMs: 3000, learnEveryMs: 200 };
  partitionMs = 6000;
  const c = await tg.client(1);
  const start = await books(c.accountId);
  await warmPool();
  const sql = new Bun.SQL(direct, { max: 2 });
  const batchesRunning = async () => {
    const [row] = await sql`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE state = 'active' AND query LIKE '%tollgate_commit_batch%' AND pid <> pg_backend_pid()`;
    return Number(row.n);
  };
  const lock = await holdAccountRow(sql, c.accountId);
  try {
    cut.arm('"log":[', "in-flight");
    const res = await call(c.key);
    expect(res.status).toBe(503);
    expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe("store_outcome_unknown");
    // Until the check has run as far as it can while the batch waits: its fence waiting too
    // (two statements), or (without a fence) its read done and memory given back.
    for (let i = 0; i < 150; i++) {
      if ((await batchesRunning()) >= 2) break;
      if (writer().doubted === 0 && tg.gw.book.get(c.accountId)?.balance === start.balance) break;
      await Bun.sleep(100);
    }
    expect(await batchesRunning()).toBeGreaterThanOrEqual(1); // the batch still waits
    await lock.release();
    for (let i = 0; i < 100 && (await batchesRunning()) > 0; i++) await Bun.sleep(50);
  } finally {
    await lock.release();
    await sql.close();
  }
  const after = await settled(c.accountId);
  expect(writer().doubted).toBe(0);
  // One row for the request; charged exactly when it is the answered one; memory agrees.
  expect(after.rows).toHaveLength(1);
  const answered = Number(after.rows[0]?.status) === 200;
  expect(after.rows[0]?.error_code ?? null).toBe(answered ? null : "store_outcome_unknown");
  expect(after.charges).toHaveLength(answered ? 1 : 0);
  expect(after.balance).toBe(start.balance + (answered ? Number(after.charges[0]?.amount) : 0));
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(after.balance);
}, 60_000);

test("PostgreSQL partitioned before the batch is sent: a 503 and nothing charged, in PostgreSQL and in memory", async () => {
  writer().timing = { ...OUTCOME_TIMING, withinMs: 1000, learnEveryMs: 200 };
  const c = await tg.client(1);
  const start = await books(c.accountId);
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(start.balance);
  await warmPool();
  gate.partition(3000);
  const res = await call(c.key);
  expect(res.status).toBe(503);
  const code = (JSON.parse(res.text) as { error: { code: string } }).error.code;
  // Refused up front once the replica knows (store_unavailable: nothing was sent), or the
  // batch sent on a dead connection and its outcome not learned in time.
  expect(["store_unavailable", "store_outcome_unknown"]).toContain(code);
  const after = await settled(c.accountId);
  expect(after.charges).toHaveLength(0);
  expect(after.balance).toBe(start.balance);
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(start.balance);
}, 60_000);

test("store_outcome_unknown in every dialect's shape: a 503 that does not say 'not billed' nor invite a blind retry", () => {
  const err = storeOutcomeUnknown();
  expect(err.status).toBe(503);
  expect(err.headers["retry-after"]).toBeUndefined();
  expect(err.message).not.toContain("not billed");
  expect(openaiErrorBody(err).error).toMatchObject({ code: "store_outcome_unknown", status: 503 });
  expect(anthropicErrorBody(err).error).toMatchObject({ type: "api_error", code: "store_outcome_unknown" });
  expect(googleErrorBody(err).error).toMatchObject({ code: 503, status: "UNAVAILABLE" });
  expect(googleErrorBody(err).error.details[0]?.reason).toBe("STORE_OUTCOME_UNKNOWN");
  // Unlike the 503 that promises nothing was billed.
  expect(storeUnavailable().message).toContain("not billed");
});
