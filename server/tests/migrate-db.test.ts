/**
 * `tollgate migrate-db` on a database made by the real SQLite gateway: billed requests
 * (streamed and not, failed, idempotent, over a key's limit), top-ups, adjustments, a revoked
 * key, an admin user, providers with sealed secrets. The real CLI process copies it into a
 * real PostgreSQL started here; the test then compares every table column by column through
 * both dialects' Drizzle schemas, checks the ledger's order survived, and that a non-empty
 * target is refused unless --replace is given.
 */

import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTableName, is, Table } from "drizzle-orm";
import { drizzle as pgDrizzle } from "drizzle-orm/bun-sql";
import { drizzle as liteDrizzle } from "drizzle-orm/bun-sqlite";
import { type PgTable, getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as pgSchema from "../../db/pg/schema/index.ts";
import * as liteSchema from "../../db/schema/index.ts";
import { AdminUsers } from "../admin-session/admin-users.ts";
import { PROVIDER_SECRET, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { runCliProcess, spawnServer } from "../testing/process.ts";

let pg: PgServer;
let dbFile: string;
let dir: string;
/** The upstream the source's provider row names: kept up for the gateway on the moved books. */
let mock: MockOpenAI;
/** A client of the source deployment: its key must work against the moved books. */
let served: { key: string; accountId: string };

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  // The source of a move is a SQLite database, whatever engine the suite runs on.
  const tg = await TestGateway.start({ config: standardConfig(mock.url), engine: "sqlite" });
  try {
    dir = tg.dir;
    dbFile = join(tg.dir, "tollgate.db");
    const body = (content: string) => ({ model: "gpt-test", messages: [{ role: "user", content }] });
    const clients = [
      await tg.client(5),
      await tg.client(0.000_05),
      await tg.client(2, { spend_limit: 0.00002 }),
    ];
    for (const [i, c] of clients.entries()) {
      for (let n = 0; n < 4; n++)
        await c.openai.chat.completions
          .create(body(`call ${i}.${n} ${"x".repeat(n * 40)}`) as never)
          .catch(() => null);
      const stream = await c.openai.chat.completions
        .create({ ...body(`stream ${i}`), stream: true } as never)
        .catch(() => null);
      if (stream) for await (const _ of stream as unknown as AsyncIterable<unknown>);
    }
    const first = clients[0] as (typeof clients)[number];
    served = { key: first.key, accountId: first.accountId };
    await first.openai.chat.completions.create(body("once") as never, {
      headers: { "Idempotency-Key": "order-7" },
    });
    mock.next({ status: 500, errorBody: { error: { message: "upstream down" } } });
    await first.openai.chat.completions.create(body("fails") as never).catch(() => null);
    await tg.admin("POST", `/accounts/${first.accountId}/topups`, { amount: "1.5", note: "invoice 9" });
    await tg.admin("POST", `/accounts/${first.accountId}/adjustments`, {
      amount: "-0.25",
      note: "correction",
    });
    await tg.admin("PATCH", `/keys/${(clients[1] as (typeof clients)[number]).keyId}`, { status: "revoked" });
    await new AdminUsers(tg.gw.store.admins).create("alice", "a long enough password");
  } finally {
    await tg.stop();
  }
}, 60_000);

afterAll(async () => {
  mock?.stop();
  await pg?.stop();
});

const migrate = (to: string, extra: string[] = []) =>
  runCliProcess(["migrate-db", "--from", dbFile, "--to", to, "--batch", "3", ...extra], {
    TOLLGATE_DB: join(dir, "unused.db"),
    TOLLGATE_CONFIG: "",
  });

const tablesOf = <T extends Table>(schema: Record<string, unknown>) =>
  new Map(
    Object.values(schema)
      .filter((v): v is T => is(v, Table))
      .map((t) => [getTableName(t), t]),
  );

const PG_ONLY = new Set(["accounts.version"]);
const byKey = (r: Record<string, unknown>) =>
  JSON.stringify(
    Object.entries(r)
      .filter(([, v]) => typeof v === "string")
      .slice(0, 3),
  );

test("every table arrives column by column, the books agree, and the ledger keeps its order", async () => {
  const url = await pg.createDatabase("migrated");
  const run = await migrate(url);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Done:");
  expect(run.stdout).toMatch(/per account \(balance, used, Σ ledger, Σ charges\): \d+ compared, 0 differ/);
  expect(run.stdout).not.toContain("DIFFERS");
  if (process.env.TOLLGATE_SHOW_MIGRATE) console.log(run.stdout);

  const lite = liteDrizzle({ client: new Database(dbFile, { readonly: true }), schema: liteSchema });
  const client = new Bun.SQL(url, { max: 1 });
  const pgDb = pgDrizzle({ client, schema: pgSchema });
  try {
    const pgTables = tablesOf<PgTable>(pgSchema);
    let compared = 0;
    for (const [name, table] of tablesOf<SQLiteTable>(liteSchema)) {
      const source = (await lite.select().from(table as never)) as Record<string, unknown>[];
      const pgTable = pgTables.get(name) as PgTable;
      const pgOnly = pgConfig(pgTable)
        .columns.filter((c) => PG_ONLY.has(`${name}.${c.name}`))
        .map((c) => Object.entries(pgTable).find(([, v]) => v === c)?.[0] as string);
      const target = ((await pgDb.select().from(pgTable as never)) as Record<string, unknown>[]).map((r) => {
        const o = { ...r };
        for (const k of pgOnly) delete o[k];
        return o;
      });
      const sort = (rows: Record<string, unknown>[]) =>
        [...rows].sort((a, b) => byKey(a).localeCompare(byKey(b)));
      expect({ table: name, rows: sort(target) }).toEqual({ table: name, rows: sort(source) });
      compared += source.length;
    }
    // The ledger as its readers see it (a view over ledger_entries and the log rows that carry
    // a charge): the same entries, balances and positions.
    const liteLedger = (await lite.select().from(liteSchema.ledger)) as Record<string, unknown>[];
    const pgLedger = (await pgDb.select().from(pgSchema.ledger)) as Record<string, unknown>[];
    const byPosition = (rows: Record<string, unknown>[]) =>
      [...rows].sort((a, b) => Number(a.position) - Number(b.position));
    expect(byPosition(pgLedger)).toEqual(byPosition(liteLedger));
    expect(liteLedger.filter((r) => r.kind === "charge").length).toBeGreaterThan(3);
    compared += liteLedger.length;
    // The data set is not trivial: every kind of row is there.
    const counts = Object.fromEntries(
      (lite.$client as Database)
        .query(
          "SELECT 'ledger' AS t, count(*) AS n FROM ledger UNION ALL SELECT 'request_log', count(*) FROM request_log UNION ALL SELECT 'idempotency', count(*) FROM idempotency UNION ALL SELECT 'admin_users', count(*) FROM admin_users UNION ALL SELECT 'providers', count(*) FROM providers",
        )
        .all()
        .map((r) => [(r as { t: string }).t, (r as { n: number }).n]),
    );
    expect(counts.ledger).toBeGreaterThan(10);
    expect(counts.request_log).toBeGreaterThan(10);
    expect(counts.idempotency).toBe(1);
    expect(counts.admin_users).toBe(1);
    expect(counts.providers).toBe(1);
    expect(compared).toBeGreaterThan(40);

    // Provider secrets crossed sealed: the same ciphertext, and never the plain secret.
    const [sealed] = await client`SELECT api_key_enc FROM providers`;
    expect(String(sealed.api_key_enc).length).toBeGreaterThan(20);
    expect(String(sealed.api_key_enc)).not.toContain(PROVIDER_SECRET);
    const litePk = (lite.$client as Database).query("SELECT api_key_enc FROM providers").get() as {
      api_key_enc: string;
    };
    expect(sealed.api_key_enc).toBe(litePk.api_key_enc);

    // Commit order: ledger.position as SQLite has it.
    const liteOrder = (lite.$client as Database).query("SELECT id FROM ledger ORDER BY position").all() as {
      id: string;
    }[];
    const pgOrder = await client`SELECT id FROM ledger ORDER BY position`;
    expect(pgOrder.map((r: { id: string }) => r.id)).toEqual(liteOrder.map((r) => r.id));
  } finally {
    await client.close();
  }
}, 60_000);

test("a non-empty target is refused and left as it was; --replace empties it and copies again", async () => {
  const url = await pg.createDatabase("twice");
  expect((await migrate(url)).code).toBe(0);
  const client = new Bun.SQL(url, { max: 1 });
  try {
    await client`UPDATE accounts SET balance = balance + 1`;
    const refused = await migrate(url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("already holds data");
    const [{ total }] = await client`SELECT CAST(SUM(balance) AS TEXT) AS total FROM accounts`;
    const replaced = await migrate(url, ["--replace"]);
    expect(replaced.code).toBe(0);
    const [{ total: after }] = await client`SELECT CAST(SUM(balance) AS TEXT) AS total FROM accounts`;
    const [{ n }] = await client`SELECT count(*)::int AS n FROM accounts`;
    // The refused run changed nothing (the +1 per account is still there); --replace removed it.
    expect(Number(total) - Number(after)).toBe(n);
  } finally {
    await client.close();
  }
}, 60_000);

test("a source behind this version's migrations, or a non-PostgreSQL target, is refused with the reason", async () => {
  const old = join(dir, "old.db");
  const s = new Database(old, { create: true });
  s.run("CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash TEXT, created_at INTEGER)");
  s.run("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('x', 0)");
  s.close();
  const behind = await runCliProcess(["migrate-db", "--from", old, "--to", pg.url], { TOLLGATE_CONFIG: "" });
  expect(behind.code).toBe(1);
  expect(behind.stderr).toContain("run `tollgate migrate`");
  const notPg = await runCliProcess(["migrate-db", "--from", dbFile, "--to", "mysql://x"], {
    TOLLGATE_CONFIG: "",
  });
  expect(notPg.code).toBe(2);
  expect(notPg.stderr).toContain("--to must be a postgres:// URL");
});

test("a source whose balances disagree with its ledger is copied but not declared done", async () => {
  const bad = join(dir, "unbalanced.db");
  const s = new Database(dbFile, { readonly: true });
  s.run(`VACUUM INTO '${bad}'`);
  s.close();
  const w = new Database(bad);
  w.run("UPDATE accounts SET balance = balance + 1 WHERE rowid = (SELECT min(rowid) FROM accounts)");
  w.close();
  const url = await pg.createDatabase("unbalanced");
  const run = await runCliProcess(["migrate-db", "--from", bad, "--to", url], { TOLLGATE_CONFIG: "" });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/accounts whose balance ≠ Σ ledger\s+1\s+1/);
  expect(run.stdout).toContain("The source's books do not balance");
  expect(run.stderr).toContain("do not switch");
}, 30_000);

test("the gateway starts on the moved books and serves a key from them, with the same ./data/secret.key", async () => {
  const url = await pg.createDatabase("served");
  expect((await migrate(url)).code).toBe(0);
  // A one-box deployment's folder after the move: its secret.key under ./data, no tollgate.yaml.
  const home = mkdtempSync(join(tmpdir(), "tollgate-moved-"));
  mkdirSync(join(home, "data"));
  copyFileSync(join(dir, "secret.key"), join(home, "data", "secret.key"));
  const server = await spawnServer(
    { TOLLGATE_DB: url, TOLLGATE_CONFIG: "", TOLLGATE_ADMIN_TOKEN: "admin-token-for-the-moved-books" },
    { cmd: [process.execPath, join(import.meta.dir, "..", "main.ts")], cwd: home },
  );
  try {
    const balance = async () =>
      (
        (await (
          await fetch(`${server.url}/v1/balance`, { headers: { authorization: `Bearer ${served.key}` } })
        ).json()) as { balance: number }
      ).balance;
    const before = await balance();
    expect(before).toBeGreaterThan(0);
    mock.reset();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${served.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "after the move" }] }),
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    ).toBe("Hello from the mock upstream.");
    // The provider's secret was unsealed with the moved key file, and the call was billed on PostgreSQL.
    expect(mock.received[0]?.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET}`);
    expect(await balance()).toBeLessThan(before);
    const client = new Bun.SQL(url, { max: 1 });
    try {
      const [{ n }] =
        await client`SELECT count(*)::int AS n FROM request_log WHERE account_id = ${served.accountId}`;
      expect(n).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}, 60_000);
