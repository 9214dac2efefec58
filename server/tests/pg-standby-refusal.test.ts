/**
 * PostgreSQL back as a read-only standby (a failover whose URL still
 * leads to the old primary, now following the new one). pg-reachability.ts: "A read-only
 * standby counts as unreachable: it would refuse the charge", so billed calls should be
 * refused before the upstream. The `postgres` probe finds the standby and the refusal starts,
 * and it holds: the generation poll's read succeeds on a standby too, and no longer ends the
 * refusal (it did, every 500 ms, so billed calls reached the upstream, paid by the operator,
 * and then failed at their commit, unbilled).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chownSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";

let pg: PgServer;
let mock: MockOpenAI;
let tg: TestGateway;

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: {
      TOLLGATE_DB: await pg.createDatabase("standby"),
      TOLLGATE_SECRET: "a-secret-for-the-standby-test",
    },
  });
}, 60_000);
afterAll(async () => {
  await tg?.stop().catch(() => {});
  mock?.stop();
  await pg?.stop();
}, 30_000);

const chat = (key: string) =>
  fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
  });

test("PostgreSQL back as a read-only standby: billed calls refused before the upstream, and stay refused", async () => {
  const c = await tg.client(1);
  expect((await chat(c.key)).status).toBe(200);
  await pg.pause();
  const signal = join(pg.dir, "data", "standby.signal");
  writeFileSync(signal, "");
  if (process.getuid?.() === 0) {
    const [, , uid, gid] = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith("postgres:"))!
      .split(":");
    chownSync(signal, Number(uid), Number(gid));
  }
  await pg.resume();
  const check = new Bun.SQL(pg.url, { max: 1 });
  const [r] = await check`SELECT pg_is_in_recovery() AS standby`;
  await check.close();
  expect(r.standby).toBe(true);
  // The postgres probe (as a load balancer's /ready asks it) finds the standby.
  const ready = await fetch(`${tg.url}/ready`);
  await Bun.sleep(1800); // three generation polls and more
  const later = tg.gw.commits.reachable;
  const before = mock.received.length;
  const res = await chat(c.key);
  await res.text();
  expect({
    ready: ready.status,
    later,
    status: res.status,
    upstreamCalls: mock.received.length - before,
  }).toEqual({
    ready: 503,
    later: false,
    status: 503,
    upstreamCalls: 0,
  });
}, 60_000);
