/**
 * PostgreSQL stops answering without resetting anything (its host gone
 * on a network that drops packets: no RST, connects time out). The refusal of billed calls
 * while PostgreSQL is away (pg-reachability.ts) moves only on a failure: a failed batch, a
 * failed generation poll, or the `postgres` probe, which runs only when /health or /ready is
 * asked. The generation poll had no deadline: its read hung with the connection and never
 * reported, so without /ready traffic the replica never refused: every billed call still went to
 * the upstream (which the operator pays), its answer held on a commit that could not finish. The
 * poll now gives up after 2 s (a failure, confirmed on a fresh connection), and the refusal's
 * own log row is not awaited while the database is known unreachable. docs/scale-out.md: "Once the replica knows PostgreSQL is unreachable (its
 * 500 ms generation poll, ...) new billed calls get that 503 before any upstream is called".
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { TcpGate } from "../testing/tcp-gate.ts";

let pg: PgServer;
let gate: TcpGate;
let mock: MockOpenAI;
let tg: TestGateway;

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  const direct = await pg.createDatabase("blackhole");
  const { hostname, port, pathname } = new URL(direct);
  gate = new TcpGate({ host: hostname, port: Number(port) }).start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: {
      TOLLGATE_DB: `postgres://tollgate@127.0.0.1:${gate.port}${pathname}`,
      TOLLGATE_SECRET: "a-secret-for-the-blackhole-test",
    },
  });
}, 60_000);
afterAll(async () => {
  // The gateway's stop waits for the commit held in the black hole: not awaited.
  void tg?.stop().catch(() => {});
  gate?.stop();
  mock?.stop();
  await pg?.stop();
}, 30_000);

test("PostgreSQL gone silent for 6 s: billed calls are refused before the upstream", async () => {
  const c = await tg.client(1);
  gate.dropping = true;
  // Twelve generation polls' worth of time: the replica's own signal, as documented.
  await Bun.sleep(6000);
  const before = mock.received.length;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 3000);
  const status = await fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
    signal: ctl.signal,
  }).then(
    (r) => r.status,
    () => "no answer in 3 s",
  );
  clearTimeout(timer);
  expect({
    reachable: tg.gw.commits.reachable,
    upstreamCalls: mock.received.length - before,
    status,
  }).toEqual({
    reachable: false,
    upstreamCalls: 0,
    status: 503,
  });
}, 60_000);
