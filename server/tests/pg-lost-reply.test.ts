/**
 * A group commit whose reply is lost after PostgreSQL committed it (a network cut, a
 * failover, docs/scale-out.md "Failure cases"): the gateway reaches PostgreSQL through a
 * loopback proxy that lets the batch through and drops its reply. The writer asks whether the
 * batch landed before running it again, so the call is answered, charged once and logged once;
 * before, the second run was refused by the log row's key and the charged call got a 503.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { PgCutProxy } from "../testing/pg-cut-proxy.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { accountBooks, holdAccountRow } from "./pg-books.ts";

let pg: PgServer;
let proxy: PgCutProxy;
let mock: MockOpenAI;
let tg: TestGateway;
let direct: string;

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  direct = await pg.createDatabase("lost_reply");
  const { hostname, port, pathname } = new URL(direct);
  proxy = new PgCutProxy({ host: hostname, port: Number(port) }).start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: {
      TOLLGATE_DB: `postgres://tollgate@127.0.0.1:${proxy.port}${pathname}`,
      TOLLGATE_SECRET: "a-secret-for-the-lost-reply-test",
    },
  });
}, 60_000);
afterAll(async () => {
  await tg?.stop();
  proxy?.stop();
  mock?.stop();
  await pg?.stop();
});

/** What PostgreSQL holds for an account, read past the proxy. */
const books = (accountId: string) => accountBooks(direct, accountId);

for (const stream of [false, true])
  test(`a ${stream ? "streamed" : "non-streaming"} call whose commit reply is lost: answered, charged once, logged once`, async () => {
    const c = await tg.client(1);
    const start = await books(c.accountId);
    const cutsBefore = proxy.cuts;
    // The group commit's batch is the only statement carrying log rows as JSON.
    proxy.arm('"log":[');
    const res = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-test", stream, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    if (stream) expect(text).toContain("data: [DONE]");
    else expect(JSON.parse(text).choices[0].message.content).toBe("Hello from the mock upstream.");
    expect(proxy.cuts).toBe(cutsBefore + 1);

    const after = await books(c.accountId);
    expect(after.charges).toHaveLength(1);
    expect(after.rows).toHaveLength(1);
    const [row] = after.rows;
    const [charge] = after.charges;
    expect(Number(row?.status)).toBe(200);
    expect(charge?.request_id).toBe(row?.id as string);
    const cost = -Number(charge?.amount);
    expect(cost).toBeGreaterThan(0);
    expect(Number(row?.cost)).toBe(cost);
    expect(after.balance).toBe(start.balance - cost);
    // The replica's own figure agrees with the books: the charge was taken once in memory too.
    expect(tg.gw.book.get(c.accountId)?.balance).toBe(after.balance);
  }, 60_000);

test("a batch still running in PostgreSQL when its connection is lost, committed after the writer looked: answered, charged once", async () => {
  const c = await tg.client(1);
  const start = await books(c.accountId);
  const sql = new Bun.SQL(direct, { max: 2 });
  // The account's row held: the batch's settlement waits for it inside PostgreSQL, uncommitted.
  const lock = await holdAccountRow(sql, c.accountId);
  try {
    proxy.arm('"log":[', "in-flight");
    const answer = fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
    });
    // Two statements wait: the first batch (for the account's row) and its second run, which
    // the writer sent because it found nothing committed (it waits for the first's log row).
    let waiting = 0;
    for (let i = 0; i < 200 && waiting < 2; i++) {
      const [row] = await sql`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      waiting = Number(row.n);
      if (waiting < 2) await Bun.sleep(25);
    }
    expect(waiting).toBe(2);
    await lock.release();
    const res = await answer;
    expect(res.status).toBe(200);
    await res.text();
  } finally {
    await lock.release();
    await sql.close();
  }
  const after = await books(c.accountId);
  expect(after.charges).toHaveLength(1);
  expect(after.rows).toHaveLength(1);
  const cost = -Number(after.charges[0]?.amount);
  expect(cost).toBeGreaterThan(0);
  expect(after.balance).toBe(start.balance - cost);
  expect(tg.gw.book.get(c.accountId)?.balance).toBe(after.balance);
}, 60_000);
