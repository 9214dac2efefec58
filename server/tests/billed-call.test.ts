import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { BilledCall } from "../gateway/billed-call.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { MockOpenAIMedia } from "../testing/mock-openai-media.ts";

/**
 * One billed call, one ending: whichever path ends a request (an answer, a refused or failed
 * commit, a failure, a second ending racing the first), the request has exactly one log row,
 * is charged at most once, and leaves no reservation or in-flight count behind.
 */
let mock: MockOpenAI;
let media: MockOpenAIMedia;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  media = new MockOpenAIMedia().start();
  tg = await TestGateway.start({
    config: standardConfig(
      mock.url,
      `  - id: embed
    routes: [{ provider: media, model: text-embedding-3-small }]
    prices: { input: 0.02 }
`,
    ).replace(
      "providers:\n",
      `providers:\n  - { id: media, kind: openai, base_url: "${media.url}", api_key: sk-mock-media-key }\n`,
    ),
  });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
  media.stop();
});
beforeEach(() => {
  mock.reset();
  media.reset();
});

/**
 * Makes every charge's insert fail: the log row that carries it (one row per charged
 * request), or a ledger entry (SQLite: on the inline writer's own connection).
 */
async function refuseCharges(): Promise<() => Promise<unknown>> {
  if (tg.gw.engine.kind === "sqlite") {
    for (const [name, on, when] of [
      ["refuse_charged_rows", "request_log", "NEW.balance_after IS NOT NULL"],
      ["refuse_charges", "ledger_entries", "NEW.kind = 'charge'"],
    ])
      tg.sqlite.run(
        `CREATE TEMP TRIGGER ${name} BEFORE INSERT ON main.${on} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'the disk is full'); END`,
      );
    return async () => {
      tg.sqlite.run("DROP TRIGGER IF EXISTS temp.refuse_charged_rows");
      tg.sqlite.run("DROP TRIGGER IF EXISTS temp.refuse_charges");
    };
  }
  await tg.sql(
    "CREATE OR REPLACE FUNCTION refuse_charges() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN IF to_jsonb(NEW)->>'kind' = 'charge' OR to_jsonb(NEW)->>'balance_after' IS NOT NULL AND TG_TABLE_NAME = 'request_log' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $f$",
  );
  for (const on of ["request_log", "ledger_entries"])
    await tg.sql(
      `CREATE TRIGGER refuse_charges BEFORE INSERT ON ${on} FOR EACH ROW EXECUTE FUNCTION refuse_charges()`,
    );
  return async () => {
    for (const on of ["request_log", "ledger_entries"])
      await tg.sql(`DROP TRIGGER IF EXISTS refuse_charges ON ${on}`);
  };
}

async function money(c: { accountId: string; key: string }) {
  await tg.gw.commits.idle();
  const a = tg.gw.book.get(c.accountId)!;
  const table = await tg.sqlRow<{ balance: number }>(
    "SELECT balance FROM accounts WHERE id = ?",
    c.accountId,
  );
  return { balance: a.balance, reserved: a.reserved, table: table.balance };
}

describe("a settlement the database refuses", () => {
  test("a stream whose charge cannot commit ends without its end marker, logged once as failed, billed nothing", async () => {
    const c = await tg.client(10);
    const before = await money(c);
    const allow = await refuseCharges();
    let text: string;
    try {
      const res = await fetch(`${tg.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
          stream: true,
        }),
      });
      expect(res.status).toBe(200);
      text = await res.text().catch(() => "(cut)");
    } finally {
      await allow();
    }
    // The client never sees an end that is not on disk.
    expect(text).not.toContain("[DONE]");
    const rows = await tg.logRows(c.keyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 503,
      outcome: "error",
      error_code: "store_unavailable",
      cost: 0,
    });
    expect(await money(c)).toEqual({ ...before, reserved: 0 });
    expect(tg.gw.inFlight).toBe(0);
  });

  test("a JSON answer whose charge cannot commit is a retryable 503, logged once, billed nothing, and its Idempotency-Key is free again", async () => {
    const c = await tg.client(10);
    const before = await money(c);
    const send = () =>
      fetch(`${tg.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${c.key}`,
          "content-type": "application/json",
          "idempotency-key": "retry-me",
        },
        body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
      });
    const allow = await refuseCharges();
    let first: Response;
    try {
      first = await send();
    } finally {
      await allow();
    }
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe("store_unavailable");
    let rows = await tg.logRows(c.keyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 503, outcome: "error", cost: 0 });
    expect(await money(c)).toEqual({ ...before, reserved: 0 });

    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    rows = await tg.logRows(c.keyId);
    expect(rows.map((r) => r.status).sort()).toEqual([200, 503]);
    const after = await money(c);
    expect(after.balance).toBeLessThan(before.balance);
    expect(after.table).toBe(after.balance);
    expect(tg.gw.inFlight).toBe(0);
  });
});

describe("a failed media call", () => {
  test("names the route it tried last on its row, like a chat call", async () => {
    const c = await tg.client(1);
    media.always("/embeddings", { status: 500, body: { error: { message: "boom" } } });
    const res = await c.openai.embeddings.create({ model: "embed", input: "x" }).catch((e: unknown) => e);
    expect((res as { status?: number }).status).toBe(502);
    const rows = await tg.logRows(c.keyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 502,
      cost: 0,
      provider: "media",
      upstream_model: "text-embedding-3-small",
    });
  });
});

describe("BilledCall ends once", () => {
  let n = 0;
  const open = async () => {
    const c = await tg.client(10);
    const key = tg.gw.keys.get(c.keyId)!;
    const call = BilledCall.open(tg.gw, {
      requestId: `req_billed_call_${++n}_${c.keyId}`,
      startedAt: Date.now(),
      t0: performance.now(),
      endpoint: "chat.completions",
      stream: false,
    });
    call.identify(key);
    call.serve(tg.gw.catalog.model("gpt-test")!);
    void call.reserve(5_000_000); // decided at once on one box (a promise only with shared holds)
    return { c, call };
  };
  const usage = { inputTokens: 1000, cachedTokens: 0, outputTokens: 1000 };
  const settlement = { usage, source: "upstream", status: 200, outcome: "ok", error: null } as const;
  const rowsOf = (id: string) =>
    tg.sql<{ status: number; cost: number }>("SELECT status, cost FROM request_log WHERE id = ?", id);
  const charges = async (id: string) =>
    (await tg.sqlRow<{ n: number }>("SELECT count(*) AS n FROM ledger WHERE request_id = ?", id)).n;

  test("without shared holds a reservation is decided in the caller's turn: nothing to await", async () => {
    const c = await tg.client(10);
    const key = tg.gw.keys.get(c.keyId)!;
    const call = BilledCall.open(tg.gw, {
      requestId: `req_billed_call_sync_${c.keyId}`,
      startedAt: Date.now(),
      t0: performance.now(),
      endpoint: "chat.completions",
      stream: false,
    });
    call.identify(key);
    // No promise: the request path on one box awaits nothing new for its reservation.
    expect(call.reserve(5_000_000)).toBeUndefined();
    expect(key.reserved).toBe(5_000_000);
    await call.fail(new Error("done"));
    expect(key.reserved).toBe(0);
  });

  test("a failure after the settlement changes nothing: one row, one charge", async () => {
    const inFlight = tg.gw.inFlight;
    const { c, call } = await open();
    expect(tg.gw.inFlight).toBe(inFlight + 1);
    await call.settle(settlement);
    await call.fail(new Error("a late failure in our own code"));
    expect(await call.settle({ ...settlement, usage: { ...usage, outputTokens: 9 } })).toEqual(usage);
    expect(await rowsOf(call.requestId)).toEqual([{ status: 200, cost: 3_000_000 }]);
    expect(await charges(call.requestId)).toBe(1);
    expect((await money(c)).reserved).toBe(0);
    expect(tg.gw.inFlight).toBe(inFlight);
  });

  test("a settlement after the failure changes nothing: one failed row, no charge", async () => {
    const inFlight = tg.gw.inFlight;
    const { c, call } = await open();
    const before = await money(c);
    await call.fail(new Error("refused"));
    await call.settle(settlement);
    expect(await rowsOf(call.requestId)).toEqual([{ status: 500, cost: 0 }]);
    expect(await charges(call.requestId)).toBe(0);
    expect(await money(c)).toEqual({ ...before, reserved: 0 });
    expect(tg.gw.inFlight).toBe(inFlight);
  });

  test("endings racing in the same turn (the client leaves as the stream ends): the first wins", async () => {
    const inFlight = tg.gw.inFlight;
    const { call } = await open();
    let counted = 0;
    const first = call.settle(() => {
      counted++;
      return settlement;
    });
    const second = call.settle(() => {
      counted++;
      return { ...settlement, status: 499, outcome: "client_closed" };
    });
    const third = call.fail(new Error("too late"));
    await Promise.all([first, second, third]);
    expect(counted).toBe(1);
    expect(await rowsOf(call.requestId)).toEqual([{ status: 200, cost: 3_000_000 }]);
    expect(await charges(call.requestId)).toBe(1);
    expect(tg.gw.inFlight).toBe(inFlight);
  });
});
