import { type Database, Database as SqliteDatabase } from "bun:sqlite";
import { afterAll, beforeAll, beforeEach } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { readEnv } from "../config/env.ts";
import { DEFAULT_MIGRATIONS, type Running, startServer } from "../start.ts";
import { GENERATION_POLL_MS } from "../store/pg-engine.ts";
import { MockOpenAI } from "./mock-openai.ts";
import { sharedPg } from "./test-engine.ts";
import { type Row, runSql } from "./test-sql.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const PROVIDER_SECRET = "sk-mockprovidersecret-abcdef123456";

/** A config with one OpenAI-compatible mock provider and a few priced models. */
export function standardConfig(mockUrl: string, extra = ""): string {
  return `
currency: USD
defaults:
  rate_limits: { key_rpm: 1000 }
  max_output_tokens: 1000
providers:
  - id: mock
    kind: openai
    base_url: ${mockUrl}
    api_key: ${PROVIDER_SECRET}
    timeouts: { connect_ms: 2000, first_byte_ms: 3000, total_ms: 10000 }
models:
  - id: gpt-test
    routes: [{ provider: mock, model: mock-model }]
    prices: { input: 1, cached_input: 0.5, output: 2 }
  - id: vendor/slashed-model
    routes: [{ provider: mock, model: mock-model }]
    prices: { input: 1, output: 2 }
  - id: off-model
    enabled: false
    routes: [{ provider: mock, model: mock-model }]
${extra}`;
}

export type TestEngine = "sqlite" | "postgres";

/**
 * The engine the gateway suite runs on: TOLLGATE_TEST_ENGINE=postgres runs every
 * TestGateway on a real PostgreSQL (one server per test process, a fresh database per
 * gateway: server/testing/test-engine.ts); SQLite otherwise.
 */
export const TEST_ENGINE: TestEngine =
  process.env.TOLLGATE_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

export type StartOpts = {
  config?: string;
  env?: Record<string, string>;
  /** A folder of an earlier TestGateway: the same database again (a restart). */
  dir?: string;
  /** Overrides TOLLGATE_TEST_ENGINE (a test about one engine itself). */
  engine?: TestEngine;
};

/** A folder's database on the test engine: a SQLite file in it, or a PostgreSQL database it names. */
async function databaseOf(dir: string, engine: TestEngine): Promise<Record<string, string>> {
  if (engine === "sqlite") return { TOLLGATE_DB: join(dir, "tollgate.db") };
  // The folder remembers its database, so a restart on the same folder finds the same books.
  const marker = join(dir, "postgres-url");
  const url = existsSync(marker)
    ? readFileSync(marker, "utf8")
    : await (await sharedPg()).createDatabase(`tg_${crypto.randomUUID().replaceAll("-", "")}`);
  writeFileSync(marker, url);
  // No secret.key beside a PostgreSQL database: the sealing key comes from the environment.
  // TOLLGATE_TEST_REDIS=redis://…: the suite's money through the replicas' ClusterBook (docs/scale-out.md).
  const redis: Record<string, string> = process.env.TOLLGATE_TEST_REDIS
    ? { TOLLGATE_REDIS: process.env.TOLLGATE_TEST_REDIS }
    : {};
  return { TOLLGATE_DB: url, TOLLGATE_SECRET: "test-secret-for-postgres-gateways", ...redis };
}

/** The real server on loopback at port 0, on a fresh database (TEST_ENGINE's) in a temp folder. */
export class TestGateway {
  private constructor(
    readonly running: Running,
    readonly dir: string,
    /** TOLLGATE_DB: the SQLite file or the PostgreSQL URL. */
    readonly database: string,
  ) {}

  static async start(opts: StartOpts = {}): Promise<TestGateway> {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "tollgate-test-"));
    const configPath = join(dir, "tollgate.yaml");
    if (opts.config !== undefined) writeFileSync(configPath, opts.config);
    const vars: Record<string, string> = {
      PORT: "0",
      HOST: "127.0.0.1",
      ...(opts.env?.TOLLGATE_DB ? {} : await databaseOf(dir, opts.engine ?? TEST_ENGINE)),
      TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
      TOLLGATE_DB_SYNC: "normal",
      TOLLGATE_LOG_LEVEL: "silent",
      ...(opts.config !== undefined ? { TOLLGATE_CONFIG: configPath } : {}),
      ...opts.env,
    };
    const running = await startServer({
      env: readEnv(vars),
      vars,
      migrationsFolder: DEFAULT_MIGRATIONS,
      version: "test",
    });
    return new TestGateway(running, dir, vars.TOLLGATE_DB as string);
  }

  get url(): string {
    return this.running.url.replace("localhost", "127.0.0.1");
  }

  get gw() {
    return this.running.gateway;
  }

  /**
   * One SQL statement on the books, on whichever engine runs (test-sql.ts): `?` placeholders,
   * SQL both dialects share; answers in SQLite's shapes.
   */
  async sql<T = Row>(query: string, ...params: unknown[]): Promise<T[]> {
    return (await runSql(this.gw.engine, query, params)) as T[];
  }

  /**
   * One statement on another connection to the books, as the CLI or another replica
   * commits: a new SQLite connection on the file, or a new PostgreSQL client.
   */
  async sqlElsewhere(query: string, ...params: unknown[]): Promise<void> {
    const e = this.gw.engine;
    if (e.kind === "sqlite") {
      const other = new SqliteDatabase(e.sqlite.filename);
      try {
        other.run(query, params as never[]);
      } finally {
        other.close();
      }
      return;
    }
    const other = new Bun.SQL(this.database);
    try {
      let n = 0;
      await other.unsafe(
        query.replace(/\?/g, () => `$${++n}`),
        params,
      );
    } finally {
      await other.close();
    }
  }

  /**
   * Waits until a change committed elsewhere is due to be seen: SQLite checks as each
   * request arrives (`ms`, a beat); PostgreSQL's generation poll finds it within two polls.
   */
  async elsewhereSeen(ms = 2): Promise<void> {
    await Bun.sleep(this.gw.engine.kind === "postgres" ? 2 * GENERATION_POLL_MS + 100 : ms);
  }

  /** The first row of `sql`. */
  async sqlRow<T = Row>(query: string, ...params: unknown[]): Promise<T> {
    return (await this.sql<T>(query, ...params))[0] as T;
  }

  /** The SQLite connection, for the tests that are about SQLite itself (throws on PostgreSQL). */
  get sqlite(): Database {
    const e = this.gw.engine;
    if (e.kind !== "sqlite")
      throw new Error("this test reads the SQLite file: it runs on the SQLite engine only");
    return e.sqlite;
  }

  /** The SQLite connection under Drizzle (SQLite engine only, as `sqlite`). */
  get sqliteDb() {
    const e = this.gw.engine;
    if (e.kind !== "sqlite")
      throw new Error("this test reads the SQLite file: it runs on the SQLite engine only");
    return e.db;
  }

  async admin<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async account(name: string, balance: number | string): Promise<string> {
    const r = await this.admin<{ id: string }>("POST", "/accounts", { name, balance });
    if (r.status !== 201) throw new Error(`account: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  }

  async key(accountId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const r = await this.admin<{ id: string; key: string }>("POST", "/keys", {
      account_id: accountId,
      name: "test key",
      ...extra,
    });
    if (r.status !== 201) throw new Error(`key: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** An account with `balance` and a key on it. */
  async client(balance: number | string = 100, keyExtra: Record<string, unknown> = {}) {
    const accountId = await this.account(`acct-${crypto.randomUUID().slice(0, 8)}`, balance);
    const k = await this.key(accountId, keyExtra);
    return { accountId, keyId: k.id, key: k.key, openai: this.openai(k.key) };
  }

  openai(apiKey: string): OpenAI {
    return new OpenAI({ apiKey, baseURL: `${this.url}/v1`, maxRetries: 0, timeout: 15_000 });
  }

  /** The Anthropic SDK pointed at the gateway root (it appends /v1/messages). */
  anthropic(apiKey: string): Anthropic {
    return new Anthropic({ apiKey, baseURL: this.url, maxRetries: 0, timeout: 15_000 });
  }

  /** The Google Gen AI SDK (Gemini API, v1beta) pointed at the gateway root. */
  gemini(apiKey: string): GoogleGenAI {
    return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: this.url, timeout: 15_000 } });
  }

  /** The request log rows of one key, newest first (admin API). */
  async logRows(keyId: string): Promise<Record<string, unknown>[]> {
    const r = await this.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${keyId}`);
    return r.body.data;
  }

  async stop(): Promise<void> {
    await this.running.stop(2000);
  }
}

/** The HTTP status a client call ended with: 200 when it resolved, the SDK error's status when it threw. */
export function statusOf(call: Promise<unknown>): Promise<number> {
  return call.then(
    () => 200,
    (e: { status?: number }) => e.status ?? -1,
  );
}

/**
 * The usual lifecycle of a gateway test file: a mock upstream and a gateway started once
 * (the config gets the mock's URL), the mock's queue and records cleared before each test,
 * both stopped at the end. `use` hands them to the file's own variables.
 */
export function withGateway(
  config: (mockUrl: string) => string,
  use: (mock: MockOpenAI, tg: TestGateway) => void,
): void {
  let mock: MockOpenAI | null = null;
  let tg: TestGateway | null = null;
  beforeAll(async () => {
    mock = new MockOpenAI().start();
    tg = await TestGateway.start({ config: config(mock.url) });
    use(mock, tg);
  });
  afterAll(async () => {
    await tg?.stop();
    mock?.stop();
  });
  beforeEach(() => {
    mock?.reset();
  });
}
