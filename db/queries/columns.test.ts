import { describe, expect, test } from "bun:test";
import { migrateDb, openDb } from "../client.ts";
import { ledgerEntries, requestLog } from "../schema/index.ts";
import { everyColumn, type FullRow, insertEveryColumn } from "./columns.ts";

const MIGRATIONS = `${import.meta.dir}/../migrations`;

function setup() {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, MIGRATIONS);
  return { sqlite, db };
}

const logRow = (id: string, over: Partial<FullRow<typeof requestLog>> = {}): FullRow<typeof requestLog> => ({
  id,
  createdAt: 1_700_000_000_000,
  keyId: "key_1",
  accountId: "acc_1",
  endpoint: "/v1/chat/completions",
  model: "m",
  provider: "p",
  upstreamModel: "u",
  status: 200,
  outcome: "ok",
  stream: true,
  inputTokens: 10,
  cachedTokens: 2,
  outputTokens: 20,
  cacheWriteTokens: 1,
  cacheWrite1hTokens: 0,
  usageSource: "upstream",
  cost: 123,
  latencyMs: 5,
  ttftMs: 3,
  maxTokensClamped: null,
  errorCode: null,
  errorMessage: 'it\'s "quoted"',
  attempts: [{ route: "p:u", status: 200 }],
  droppedFields: null,
  ledgerId: null,
  balanceAfter: null,
  chargedAt: null,
  position: null,
  ...over,
});

describe("insertEveryColumn: Drizzle's prepared insert without its per-call mapping", () => {
  test("writes exactly the row Drizzle's own run writes (JSON, booleans, NULLs)", () => {
    const { sqlite, db } = setup();
    const drizzleRun = db.insert(requestLog).values(everyColumn(requestLog)).prepare();
    const fast = insertEveryColumn(db, requestLog);
    drizzleRun.run(logRow("req_a"));
    fast(logRow("req_b"));
    drizzleRun.run(
      logRow("req_c", { stream: false, attempts: null, droppedFields: ["top_k"], ttftMs: null }),
    );
    fast(logRow("req_d", { stream: false, attempts: null, droppedFields: ["top_k"], ttftMs: null }));
    const rows = sqlite.query("SELECT * FROM request_log ORDER BY id").all() as Record<string, unknown>[];
    const without = ({ id: _, ...rest }: Record<string, unknown>) => rest;
    expect(without(rows[1]!)).toEqual(without(rows[0]!));
    expect(without(rows[3]!)).toEqual(without(rows[2]!));
    expect(rows[1]).toMatchObject({
      stream: 1,
      attempts: '[{"route":"p:u","status":200}]',
      dropped_fields: null,
    });
    expect(rows[3]).toMatchObject({ stream: 0, attempts: null, dropped_fields: '["top_k"]', ttft_ms: null });
  });

  test("a row without one of the columns fails its write, as Drizzle's does", () => {
    const { sqlite, db } = setup();
    sqlite.run(
      "INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('acc_1', 'a', 1000, 0, 0)",
    );
    const fast = insertEveryColumn(db, ledgerEntries);
    const { note: _, ...partial } = {
      id: "txn_1",
      accountId: "acc_1",
      kind: "charge" as const,
      amount: -5,
      balanceAfter: 995,
      keyId: null,
      requestId: null,
      note: null,
      createdAt: 1,
      position: 1,
    };
    expect(() => fast(partial as FullRow<typeof ledgerEntries>)).toThrow('No value for placeholder "note"');
    fast({ ...partial, note: null });
    expect(sqlite.query("SELECT id, amount, balance_after, note FROM ledger").all()).toEqual([
      { id: "txn_1", amount: -5, balance_after: 995, note: null },
    ]);
  });
});
