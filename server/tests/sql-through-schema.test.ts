/**
 * SQL only through the schema (issue 12). Two proofs that a column added to db/schema
 * cannot be silently left unwritten again:
 * - every column of the request log, the ledger and the idempotency table holds what a
 *   billed request meant to write there (the expectations are typed by the schema, so a
 *   new column is a compile error here until someone says what a request writes in it);
 * - no SQL statement text and no query builder outside db/: services reach the tables
 *   only through the query modules of db/queries, which build every statement from the
 *   schema.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { eq, getTableColumns, getTableName, getViewSelectedFields, is, Table } from "drizzle-orm";
import { getViewConfig, type SQLiteTable, type SQLiteView } from "drizzle-orm/sqlite-core";
import type { RequestLogRow } from "../../db/queries/requests.ts";
import { idempotency, ledger, requestLog } from "../../db/schema/index.ts";
import { TestGateway } from "../testing/harness.ts";
import { blankLogRow } from "../testing/log-row.ts";
import { MockAnthropic } from "../testing/mock-anthropic.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

const REPO = join(import.meta.dir, "..", "..");

/** What each column of `table` must hold: a value, or an asymmetric matcher. A column missing here does not compile. */
type Expect<T extends SQLiteTable | SQLiteView> = { [K in keyof T["$inferSelect"]]-?: unknown };

/** A table's or view's (the ledger is one) columns and name. */
const columnsOf = (t: SQLiteTable | SQLiteView) =>
  (is(t, Table) ? getTableColumns(t) : getViewSelectedFields(t as SQLiteView)) as Record<
    string,
    { name: string }
  >;
const nameOf = (t: SQLiteTable | SQLiteView) =>
  is(t, Table) ? getTableName(t) : getViewConfig(t as SQLiteView).name;

/** The row as stored, read raw: column names, SQL values (a JSON null must be NULL, not the text "null"). */
function rawRow(tg: TestGateway, table: SQLiteTable | SQLiteView, where: string, value: string) {
  return tg.sqlite.query(`SELECT * FROM ${nameOf(table)} WHERE ${where} = ?`).get(value) as Record<
    string,
    unknown
  >;
}

/** Every schema column has an expectation, the decoded row meets them, and SQL NULL is where null is meant. */
function expectEveryColumn<T extends SQLiteTable | SQLiteView>(
  table: T,
  row: Record<string, unknown> | undefined,
  expected: Expect<T>,
  raw: Record<string, unknown>,
) {
  const columns = columnsOf(table);
  expect(Object.keys(expected).sort()).toEqual(Object.keys(columns).sort());
  expect(row).toBeDefined();
  expect(row).toEqual(expected as Record<string, unknown>);
  for (const [key, column] of Object.entries(columns)) {
    expect(column.name in raw).toBe(true);
    if ((expected as Record<string, unknown>)[key] === null)
      expect([key, raw[column.name]]).toEqual([key, null]);
    else expect([key, raw[column.name]]).not.toEqual([key, null]);
  }
}

describe("a billed request writes every column", () => {
  let anthropic: MockAnthropic;
  let openai: MockOpenAI;
  let tg: TestGateway;

  beforeAll(async () => {
    anthropic = new MockAnthropic().start();
    openai = new MockOpenAI().start();
    // The SQLite schema's columns, read through SQLite (PostgreSQL's twin: db/store.test.ts, pg-writer.test.ts).
    tg = await TestGateway.start({
      engine: "sqlite",
      config: `
currency: USD
providers:
  - id: anth
    kind: anthropic
    base_url: ${anthropic.url}
    api_key: sk-ant-mock-0123456789
  - id: oai
    kind: openai
    base_url: ${openai.url}
    api_key: sk-mock-0123456789
models:
  - id: claude-test
    routes: [{ provider: anth, model: claude-upstream }]
    prices: { input: 1, cached_input: 0.5, output: 2, cache_write: 1.25, cache_write_1h: 2 }
  - id: gpt-test
    routes: [{ provider: oai, model: mock-model }]
    prices: { input: 1, output: 2 }
`,
    });
  });
  afterAll(async () => {
    await tg.stop();
    anthropic.stop();
    openai.stop();
  });

  test("request log and ledger: a streamed, clamped, cache-writing call across dialects", async () => {
    // 10 fresh + 100 written (60 for five minutes, 40 for one hour) + 50 read = 160 prompt tokens; 5 out.
    const usage = {
      prompt_tokens: 160,
      completion_tokens: 5,
      cached_tokens: 50,
      cache_creation_tokens: 100,
      cache_creation_1h_tokens: 40,
    };
    const cost = 10 * 1000 + 60 * 1250 + 40 * 2000 + 50 * 500 + 5 * 2000; // nano-units
    anthropic.next({ usage, chunks: 2 });
    // A balance that cannot cover 32,000 output tokens: max_tokens is clamped.
    const c = await tg.client("0.001");
    const before = Date.now();
    const { data: stream, response } = await c.openai.chat.completions
      .create({
        model: "claude-test",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 32_000,
        seed: 7, // Anthropic has no seed: the encoder drops it
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    for await (const _ of stream) {
      // drain: the row is committed before the stream's end reaches the client
    }
    const after = Date.now();
    const requestId = response.headers.get("x-request-id")!;
    const clamped = Number(response.headers.get("x-tollgate-max-tokens-clamped"));
    expect(clamped).toBeGreaterThan(0);
    expect(clamped).toBeLessThan(32_000);

    const log = tg.sqliteDb.select().from(requestLog).where(eq(requestLog.id, requestId)).get();
    expectEveryColumn(
      requestLog,
      log,
      {
        id: requestId,
        createdAt: expect.any(Number),
        keyId: c.keyId,
        accountId: c.accountId,
        endpoint: "chat.completions",
        model: "claude-test",
        provider: "anth",
        upstreamModel: "claude-upstream",
        status: 200,
        outcome: "ok",
        stream: true,
        inputTokens: 160,
        cachedTokens: 50,
        outputTokens: 5,
        cacheWriteTokens: 100,
        cacheWrite1hTokens: 40,
        usageSource: "upstream",
        cost,
        latencyMs: expect.any(Number),
        ttftMs: expect.any(Number),
        maxTokensClamped: clamped,
        // A success has none; the failed call below writes both.
        errorCode: null,
        errorMessage: null,
        attempts: [expect.objectContaining({ provider: "anth", model: "claude-upstream", status: 200 })],
        droppedFields: ["seed"],
        // The request's charge rides on its row (one row per charged request).
        ledgerId: expect.stringMatching(/^txn_[0-9a-f]{32}$/),
        balanceAfter: 1_000_000 - cost,
        chargedAt: expect.any(Number),
        position: expect.any(Number),
      } satisfies Expect<typeof requestLog>,
      rawRow(tg, requestLog, "id", requestId),
    );

    const charge = tg.sqliteDb.select().from(ledger).where(eq(ledger.requestId, requestId)).get();
    expectEveryColumn(
      ledger,
      charge,
      {
        id: expect.stringMatching(/^txn_[0-9a-f]{32}$/),
        accountId: c.accountId,
        kind: "charge",
        amount: -cost,
        balanceAfter: 1_000_000 - cost,
        keyId: c.keyId,
        requestId,
        // Only top-ups and adjustments carry a note.
        note: null,
        createdAt: expect.any(Number),
        position: log!.position,
      } satisfies Expect<typeof ledger>,
      rawRow(tg, ledger, "request_id", requestId),
    );
    for (const at of [log!.createdAt, charge!.createdAt]) {
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
    // The account's and key's rows, folded per batch, moved with the charge.
    const key = (await tg.admin<{ used: number; last_used_at: string | null }>("GET", `/keys/${c.keyId}`))
      .body;
    expect(key.used).toBeCloseTo(cost / 1e9, 12);
    expect(key.last_used_at).not.toBeNull();
    const account = (await tg.admin<{ balance: number; used: number }>("GET", `/accounts/${c.accountId}`))
      .body;
    expect(account).toMatchObject({ balance: (1_000_000 - cost) / 1e9, used: cost / 1e9 });
  });

  test("the error columns of a failed call, and NULL (not the text 'null') for empty JSON columns", async () => {
    const c = await tg.client(1);
    anthropic.always({ status: 400 });
    try {
      const status = await c.openai.chat.completions
        .create({ model: "claude-test", messages: [{ role: "user", content: "hi" }] })
        .then(
          () => 200,
          (e: { status: number }) => e.status,
        );
      expect(status).toBe(400);
    } finally {
      anthropic.reset();
    }
    const failed = tg.sqliteDb.select().from(requestLog).where(eq(requestLog.keyId, c.keyId)).get();
    expect(failed).toMatchObject({ outcome: "error", errorCode: expect.any(String) });
    expect(failed!.errorMessage).toContain("mock failure 400");
    // Refused before any upstream attempt: no attempts, nothing dropped.
    const refused = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(refused.status).toBe(404);
    const id = refused.headers.get("x-request-id")!;
    const raw = rawRow(tg, requestLog, "id", id);
    expect(raw).toMatchObject({ error_code: "model_not_found", attempts: null, dropped_fields: null });
  });

  test("idempotency: the stored response's every column", async () => {
    const c = await tg.client(1);
    const { response } = await c.openai.chat.completions
      .create(
        { model: "gpt-test", messages: [{ role: "user", content: "hi" }] },
        { headers: { "Idempotency-Key": "every-column" } },
      )
      .withResponse();
    const requestId = response.headers.get("x-request-id")!;
    const log = tg.sqliteDb.select().from(requestLog).where(eq(requestLog.id, requestId)).get()!;
    const stored = tg.sqliteDb.select().from(idempotency).where(eq(idempotency.keyId, c.keyId)).get();
    expect(stored?.createdAt).toBeGreaterThanOrEqual(log.createdAt);
    expectEveryColumn(
      idempotency,
      stored,
      {
        keyId: c.keyId,
        idemKey: "every-column",
        bodyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        status: 200,
        headers: expect.any(Object),
        body: expect.stringContaining('"chat.completion"'),
        createdAt: expect.any(Number),
      } satisfies Expect<typeof idempotency>,
      rawRow(tg, idempotency, "key_id", c.keyId),
    );
  });

  test("a row that still lacks a column fails its write instead of leaving the column unwritten", async () => {
    const { droppedFields: _, ...partial } = blankLogRow("req_missing_a_column", Date.now());
    // The writer thread's statement has a placeholder for every column of the schema.
    await expect(
      tg.gw.commits.enqueue([{ op: "request_log.insert", row: partial as RequestLogRow }]),
    ).rejects.toThrow('No value for placeholder "droppedFields"');
    expect(rawRow(tg, requestLog, "id", "req_missing_a_column")).toBeNull();
  });

  test("a row type leaves no column out (checked by tsc)", () => {
    // @ts-expect-error: a log row without every column of the schema does not compile.
    const partial: RequestLogRow = {
      id: "r",
      createdAt: 0,
      endpoint: "chat.completions",
      status: 200,
      outcome: "ok",
    };
    expect(partial.id).toBe("r");
  });
});

/** Uppercase SQL statements as they appear in code; comments and prose use lowercase words. */
const STATEMENT =
  /\b(SELECT\s[\s\S]{0,300}?\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX|TRIGGER)\s|ALTER\s+TABLE\s|PRAGMA\s|VACUUM\s|SAVEPOINT\s)/;
/** Statement text handed to a driver, or a query built outside db/. */
const DRIVER_CALL = /\.(query|prepare|run|exec)\(\s*["'`]/;
const BUILDER_IMPORT = /^import\s+(?!type\b)[^;]*from\s+"[^"]*(drizzle-orm[^"]*|db\/schema\/[^"]*)"/m;

/** Comment lines ("//", "/*", " *") are prose: they may name a statement. */
const code = (text: string) =>
  text
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join("\n");

/** Why a file's text breaks the rule, or null. `inDb`: db/ may use the query builder. */
export function sqlViolation(source: string, inDb: boolean): string | null {
  const text = code(source);
  const statement = STATEMENT.exec(text);
  if (statement) return `SQL statement text: ${statement[0].replace(/\s+/g, " ").slice(0, 60)}`;
  const call = DRIVER_CALL.exec(text);
  if (call) return `statement text passed to the driver: ${call[0]}`;
  if (!inDb && BUILDER_IMPORT.test(text))
    return "imports the query builder or a schema table (use db/queries)";
  if (!inDb && /\bsql`/.test(text)) return "an sql`` fragment outside db/";
  return null;
}

/**
 * What may stay raw, each for a reason Drizzle has no API for: the connection's pragmas,
 * reading data_version and journal_mode, the backup (VACUUM INTO, its checks), the
 * per-entry savepoints of the group commit, the writer thread's connection setup; and
 * migrate-db's two tools, which work on every table generically from the schema's table
 * list (the copier, its snapshot) and run the same books queries on both engines to compare.
 */
const ALLOWED = new Set([
  "db/client.ts",
  "db/pg/books.ts",
  "db/pg/copy-sqlite.ts",
  "db/pragmas.ts",
  "db/maintenance.ts",
  "server/store/batch-executor.ts",
  "server/store/inline-writer.ts",
  "server/store/writer-worker.ts",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f))
    .filter((f) => !f.startsWith(join("server", "tests")) && !f.includes("node_modules"));
}

describe("no SQL outside db/", () => {
  test("the scan finds what it looks for", () => {
    expect(sqlViolation("const INSERT = `INSERT INTO request_log (id) VALUES (?)`;", false)).toContain("SQL");
    expect(sqlViolation('db.query("SELECT 1 FROM ledger WHERE id = ?")', true)).toContain("SQL");
    expect(sqlViolation('sqlite.prepare("UPDATE accounts SET balance = ?1")', true)).toContain("SQL");
    expect(sqlViolation("const s = sqlite.prepare(`whatever`);", true)).toContain("driver");
    expect(sqlViolation('import { eq } from "drizzle-orm";', false)).toContain("query builder");
    expect(sqlViolation('import { ledger } from "../../db/schema/index.ts";', false)).toContain(
      "query builder",
    );
    expect(sqlViolation("const x = sql`max(1)`;", false)).toContain("fragment");
    // Allowed: types from the schema, the query builder inside db/, prose.
    expect(sqlViolation('import type { ModelRoute } from "../../db/schema/index.ts";', false)).toBeNull();
    expect(sqlViolation('import { eq } from "drizzle-orm";', true)).toBeNull();
    expect(sqlViolation("// select the route from the list, then update the key", false)).toBeNull();
    expect(sqlViolation(" * moves when `PRAGMA data_version` does; SELECT 1 FROM t", false)).toBeNull();
  });

  test("server/ and db/ hold no statement text; server/ builds no query", () => {
    const files = [...sourceFiles("server"), ...sourceFiles("db")];
    expect(files.length).toBeGreaterThan(100);
    const broken = files
      .filter((f) => !ALLOWED.has(f))
      .map((f) => [
        relative(REPO, join(REPO, f)),
        sqlViolation(readFileSync(join(REPO, f), "utf8"), f.startsWith("db")),
      ])
      .filter(([, why]) => why !== null);
    expect(broken).toEqual([]);
  });
});
