/**
 * PostgreSQL away, as the gateway on it sees it (docs/scale-out.md, "PostgreSQL away"): once
 * the replica knows the books cannot be written (its generation poll, its health probe or a
 * failed commit, confirmed on a fresh connection), a billed call is refused before the
 * upstream with the retryable 503 `store_unavailable` in the route's own shape, so the
 * operator pays no provider for an answer that cannot be billed. Back, calls are served and
 * billed once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";

let pg: PgServer;
let mock: MockOpenAI;
let tg: TestGateway;
let url: string;

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  url = await pg.createDatabase("outage");
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: { TOLLGATE_DB: url, TOLLGATE_SECRET: "a-secret-for-the-outage-test" },
  });
}, 60_000);
afterAll(async () => {
  await tg?.stop();
  mock?.stop();
  await pg?.stop();
});

type Surface = { name: "openai" | "anthropic" | "google"; path: string; body: unknown };
const SURFACES: Surface[] = [
  {
    name: "openai",
    path: "/v1/chat/completions",
    body: { model: "gpt-test", messages: [{ role: "user", content: "hi" }] },
  },
  {
    name: "anthropic",
    path: "/v1/messages",
    body: { model: "gpt-test", max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
  },
  {
    name: "google",
    path: "/v1beta/models/gpt-test:generateContent",
    body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
  },
];

const call = (key: string, s: Surface) =>
  fetch(`${tg.url}${s.path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "x-goog-api-key": key, "content-type": "application/json" },
    body: JSON.stringify(s.body),
  });

/** The 503 in each route's own shape. */
async function expectRefused(res: Response, s: Surface) {
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("1");
  const body = (await res.json()) as { type?: string; error: Record<string, unknown> };
  expect(String(body.error.message)).toContain("not billed");
  if (s.name === "openai") expect(body.error.code).toBe("store_unavailable");
  if (s.name === "anthropic") expect(body).toMatchObject({ type: "error", error: { type: "api_error" } });
  if (s.name === "google") expect(body.error).toMatchObject({ code: 503, status: "UNAVAILABLE" });
}

async function charges(accountId: string): Promise<number> {
  const sql = new Bun.SQL(url, { max: 1 });
  try {
    const [row] =
      await sql`SELECT count(*)::int AS n FROM ledger WHERE account_id = ${accountId} AND kind = 'charge'`;
    return Number(row.n);
  } finally {
    await sql.close();
  }
}

const detailedPostgres = async () => {
  const res = await fetch(`${tg.url}/health/detailed`, { headers: { authorization: "Bearer x" } });
  const body = (await res.json()) as { components: { postgres: { details: Record<string, unknown> } } };
  return body.components.postgres.details;
};

test("PostgreSQL stopped: billed calls refused before the upstream on every surface; back: served and billed once", async () => {
  const c = await tg.client(1);
  for (const s of SURFACES) expect((await call(c.key, s)).status).toBe(200);
  expect(await charges(c.accountId)).toBe(3);

  await pg.pause();
  try {
    // The replica finds out on its own (the generation poll every 500 ms; here the probe too).
    let accepting: unknown = true;
    for (let i = 0; i < 100 && accepting !== false; i++) {
      accepting = (await detailedPostgres()).accepting_calls;
      if (accepting !== false) await Bun.sleep(100);
    }
    expect(accepting).toBe(false);
    const upstreamBefore = mock.received.length;
    for (const s of SURFACES) await expectRefused(await call(c.key, s), s);
    // A stream is refused the same way, before its first byte.
    const stream = SURFACES[0] as Surface;
    await expectRefused(
      await call(c.key, { ...stream, body: { ...(stream.body as object), stream: true } }),
      stream,
    );
    expect(mock.received.length).toBe(upstreamBefore);
  } finally {
    await pg.resume();
  }

  let ready = 503;
  for (let i = 0; i < 100 && ready !== 200; i++) {
    ready = (await fetch(`${tg.url}/ready`)).status;
    if (ready !== 200) await Bun.sleep(100);
  }
  expect(ready).toBe(200);
  const upstreamBefore = mock.received.length;
  for (const s of SURFACES) expect((await call(c.key, s)).status).toBe(200);
  expect(mock.received.length - upstreamBefore).toBe(3);
  expect(await charges(c.accountId)).toBe(6);
}, 90_000);

test("without any probe, the replica's own generation poll finds PostgreSQL gone and back", async () => {
  const c = await tg.client(1);
  await pg.pause();
  try {
    // Nothing calls /health here: the poll (every 500 ms) is the signal, confirmed on a fresh connection.
    const engine = tg.gw.engine;
    if (engine.kind !== "postgres") throw new Error("this test runs on PostgreSQL");
    for (let i = 0; i < 100 && engine.reachability.reachable; i++) await Bun.sleep(50);
    expect(engine.reachability.reachable).toBe(false);
    const upstreamBefore = mock.received.length;
    await expectRefused(await call(c.key, SURFACES[0] as Surface), SURFACES[0] as Surface);
    expect(mock.received.length).toBe(upstreamBefore);
  } finally {
    await pg.resume();
  }
  const engine = tg.gw.engine;
  if (engine.kind !== "postgres") throw new Error("this test runs on PostgreSQL");
  for (let i = 0; i < 200 && !engine.reachability.reachable; i++) await Bun.sleep(50);
  expect(engine.reachability.reachable).toBe(true);
  expect((await call(c.key, SURFACES[0] as Surface)).status).toBe(200);
  expect(await charges(c.accountId)).toBe(1);
}, 90_000);
