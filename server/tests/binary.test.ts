/**
 * The single-file binary, as a self-hoster gets it: built once per run (host target) with
 * the real build script, moved alone into an empty folder, and driven only through its own
 * command line and HTTP, against the mock upstream on loopback.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { migrateDb, openDb } from "../../db/client.ts";
import pkg from "../../package.json" with { type: "json" };
import { buildBinary } from "../../scripts/build-binary.ts";
import { standardConfig } from "../testing/harness.ts";
import { DEFAULT_TEXT, MockOpenAI } from "../testing/mock-openai.ts";
import { startPg } from "../testing/pg-server.ts";
import { runCliProcess, type Spawned, spawnServer } from "../testing/process.ts";

const ROOT = join(import.meta.dir, "..", "..");
const MIGRATIONS = join(ROOT, "db", "migrations");
const ADMIN_TOKEN = "binary-test-admin-token-0123";

let work: string;
let home: string;
let mock: MockOpenAI;
const program = () => ({ cmd: [join(home, "tollgate")], cwd: home });
const tollgate = (args: string[], env: Record<string, string> = {}) =>
  runCliProcess(args, env, undefined, program());
const serve = (env: Record<string, string> = {}) => spawnServer(env, program());

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tollgate-binary-"));
  const [built] = await buildBinary({ outdir: join(work, "build"), hostOnly: true });
  home = join(work, "home");
  mkdirSync(home);
  renameSync(built!.outfile, join(home, "tollgate"));
  rmSync(join(work, "build"), { recursive: true, force: true });
  mock = new MockOpenAI().start();
}, 120_000);

afterAll(() => {
  mock?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function chat(url: string, key: string) {
  const client = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
  return client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
}

async function withServer<T>(env: Record<string, string>, fn: (s: Spawned) => Promise<T>): Promise<T> {
  const s = await serve(env);
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

/** The token is printed after the listening line spawnServer waits for: wait for it (bounded). */
async function printed(s: Spawned, pattern: RegExp): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const m = pattern.exec(s.stdout());
    if (m) return m[1];
    await Bun.sleep(20);
  }
  return undefined;
}

/** The last ledger row of every account matches its balance: what a torn copy would break. */
function ledgerMatchesBalances(db: Database) {
  const rows = db
    .query(
      `SELECT a.balance AS balance, (SELECT balance_after FROM ledger l WHERE l.account_id = a.id
         ORDER BY created_at DESC, id DESC LIMIT 1) AS last FROM accounts a`,
    )
    .all() as { balance: number; last: number | null }[];
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.last).toBe(r.balance);
}

describe("the single-file binary", () => {
  test("answers --version and --help, listing serve, migrate, backup and the CLI groups", async () => {
    expect(readdirSync(home)).toEqual(["tollgate"]);
    // No absolute path into the source tree is compiled in: it cannot read files from there.
    expect(Buffer.from(readFileSync(join(home, "tollgate"))).includes(ROOT)).toBe(false);
    const version = await tollgate(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toContain(`tollgate ${pkg.version}`);
    const help = await tollgate(["--help"]);
    expect(help.code).toBe(0);
    for (const usage of [
      "serve",
      "migrate",
      "backup <file> [--force]",
      "health",
      "keys create",
      "accounts create",
    ])
      expect(help.stdout).toContain(`tollgate ${usage}`);
    const unknown = await tollgate(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command: frobnicate");
  });

  test("starts on an empty folder: data folder, migrations, admin URL and token, panel and docs", async () => {
    await withServer({}, async (s) => {
      expect(s.stdout()).toContain(`"admin":"${s.url}/admin"`);
      const token = await printed(s, /^\s+(tga_[A-Za-z0-9_-]{32})$/m);
      expect(token).toBeDefined();
      expect(existsSync(join(home, "data", "tollgate.db"))).toBe(true);
      const health = await fetch(`${s.url}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { components: { database: string } }).components.database).toBe(
        "healthy",
      );
      const accounts = await fetch(`${s.url}/admin/api/accounts`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(accounts.status).toBe(200);

      const index = await fetch(`${s.url}/admin/`);
      expect(index.status).toBe(200);
      const html = await index.text();
      expect(html).toBe(readFileSync(join(ROOT, "admin", "dist", "index.html"), "utf8"));
      const asset = /\/admin\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      const js = await fetch(`${s.url}/admin/${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers.get("cache-control")).toContain("immutable");
      expect(await js.text()).toBe(readFileSync(join(ROOT, "admin", "dist", asset!), "utf8"));
      const docs = await fetch(`${s.url}/docs/assets/swagger-ui-bundle.js`);
      expect(docs.status).toBe(200);
      expect((await docs.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    });
    // A second start finds the admin token stored: it is not printed again.
    const again = await serve();
    // What the Docker image's HEALTHCHECK runs.
    const health = await tollgate(["health", "--url", again.url]);
    expect(health.code).toBe(0);
    expect(health.stdout).toContain("/health: 200");
    await again.stop();
    // Everything it printed is in once its last line is: the shutdown.
    expect(await printed(again, /"msg":"(shutting down)"/)).toBe("shutting down");
    expect(again.stdout()).not.toContain("tga_");
    const down = await tollgate(["health", "--url", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
  });

  test("a key made with the binary's own CLI gets a chat completion; a backup taken while serving is consistent", async () => {
    writeFileSync(join(home, "tollgate.yaml"), standardConfig(mock.url));
    const account = JSON.parse(
      (await tollgate(["accounts", "create", "--name", "self-hosted", "--balance", "5", "--json"])).stdout,
    ) as { id: string };
    const created = await tollgate(["keys", "create", "--account", account.id, "--name", "bin", "--json"]);
    expect(created.code).toBe(0);
    const { key } = JSON.parse(created.stdout) as { key: string };

    await withServer({ TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN }, async (s) => {
      const first = await chat(s.url, key);
      expect(first.choices[0]!.message.content).toBe(DEFAULT_TEXT);
      expect(mock.received.length).toBeGreaterThan(0);

      // Requests keep billing while the backup runs in another process.
      let stop = false;
      const traffic = (async () => {
        let n = 0;
        while (!stop) {
          await chat(s.url, key);
          n++;
        }
        return n;
      })();
      await Bun.sleep(50);
      const backup = await tollgate(["backup", "backups/live.db"]);
      stop = true;
      expect(await traffic).toBeGreaterThan(0);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain("Backed up ./data/tollgate.db to backups/live.db");

      const copy = new Database(join(home, "backups", "live.db"), { readonly: true });
      expect(
        (copy.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check,
      ).toBe("ok");
      expect(copy.query("SELECT name FROM accounts WHERE id = ?").get(account.id)).toEqual({
        name: "self-hosted",
      });
      expect((copy.query("SELECT count(*) AS n FROM request_log").get() as { n: number }).n).toBeGreaterThan(
        0,
      );
      ledgerMatchesBalances(copy);
      copy.close();

      const again = await tollgate(["backup", "backups/live.db"]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("already exists; pass --force");
      expect((await tollgate(["backup", "backups/live.db", "--force"])).code).toBe(0);
    });
  });

  test("migrate applies every migration to a new database and exits; again, none", async () => {
    const env = { TOLLGATE_DB: join(work, "migrate", "t.db") };
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    const first = await tollgate(["migrate"], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`applied ${journal.entries.length} migration(s)`);
    const second = await tollgate(["migrate"], env);
    expect(second.stdout).toContain(`applied 0 migration(s); ${journal.entries.length} in total`);
  });

  test("a database made by the previous migration set is migrated forward at start, keeping its data", async () => {
    const old = previousMigrations(join(work, "old-migrations"));
    const dir = join(work, "upgrade");
    const dbPath = join(dir, "tollgate.db");
    const { sqlite, db } = openDb(dbPath);
    migrateDb(db, old.folder);
    const now = Date.now();
    sqlite.run("INSERT INTO accounts (id, name, balance, used, created_at) VALUES (?, ?, ?, 0, ?)", [
      "acct_from_old",
      "kept-across-upgrade",
      7_000_000_000,
      now,
    ]);
    sqlite.run(
      "INSERT INTO ledger (id, account_id, kind, amount, balance_after, created_at) VALUES (?, ?, 'topup', ?, ?, ?)",
      ["led_from_old", "acct_from_old", 7_000_000_000, 7_000_000_000, now],
    );
    sqlite.close();

    // This start also runs group commits on the writer thread, whose module the binary embeds.
    const env = { TOLLGATE_DB: dbPath, TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN, TOLLGATE_WRITER: "thread" };
    await withServer(env, async (s) => {
      const res = await fetch(`${s.url}/admin/api/accounts/acct_from_old`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ name: "kept-across-upgrade", balance: 7 });
      const created = await tollgate(
        ["keys", "create", "--account", "acct_from_old", "--name", "after-upgrade", "--json"],
        env,
      );
      const reply = await chat(s.url, (JSON.parse(created.stdout) as { key: string }).key);
      expect(reply.choices[0]!.message.content).toBe(DEFAULT_TEXT);
      const log = await fetch(`${s.url}/admin/api/requests?limit=1`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(((await log.json()) as { data: { status: number; cost: number }[] }).data[0]).toMatchObject({
        status: 200,
      });
    });

    const upgraded = new Database(dbPath, { readonly: true });
    const applied = upgraded.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    expect(applied.n).toBe(old.total);
    for (const table of old.newest.tables)
      expect(
        upgraded.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(table),
      ).toEqual({ name: table });
    for (const [table, column] of old.newest.columns) {
      const cols = (upgraded.query(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
        (c) => c.name,
      );
      expect(cols).toContain(column);
    }
    const account = upgraded.query("SELECT balance FROM accounts WHERE id = 'acct_from_old'").get() as {
      balance: number;
    };
    expect(account.balance).toBeLessThan(7_000_000_000);
    ledgerMatchesBalances(upgraded);
    upgraded.close();
  });

  test("migrate-db moves a database into PostgreSQL with the migrations the binary carries", async () => {
    const dbPath = join(work, "to-pg", "tollgate.db");
    const { sqlite, db } = openDb(dbPath);
    migrateDb(db, MIGRATIONS);
    const now = Date.now();
    sqlite.run("INSERT INTO accounts (id, name, balance, used, created_at) VALUES (?, ?, ?, 0, ?)", [
      "acct_to_pg",
      "moved-by-the-binary",
      3_000_000_000,
      now,
    ]);
    sqlite.run(
      "INSERT INTO ledger (id, account_id, kind, amount, balance_after, created_at) VALUES (?, ?, 'topup', ?, ?, ?)",
      ["led_to_pg", "acct_to_pg", 3_000_000_000, 3_000_000_000, now],
    );
    sqlite.close();
    // The binary lies alone in its folder: the PostgreSQL migrations must come from inside it.
    const pg = await startPg();
    try {
      const url = await pg.createDatabase("from_binary");
      const moved = await tollgate(["migrate-db", "--from", dbPath, "--to", url]);
      expect(moved.stderr).toBe("");
      expect(moved.code).toBe(0);
      expect(moved.stdout).toContain("Done:");
      const sql = new Bun.SQL(url);
      try {
        expect(await sql`SELECT name, balance FROM accounts`).toEqual([
          { name: "moved-by-the-binary", balance: "3000000000" },
        ]);
        // tollgate_settle comes from the second PostgreSQL migration.
        expect(await sql`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'tollgate_settle'`).toEqual([
          { n: 1 },
        ]);
      } finally {
        await sql.close();
      }
    } finally {
      await pg.stop();
    }
  });
});

/**
 * A copy of db/migrations as the previous release had it: the journal without its newest
 * entry, and what that newest migration creates (tables, added columns) to look for after.
 */
function previousMigrations(folder: string) {
  mkdirSync(join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  const newest = journal.entries.at(-1)!;
  const kept = journal.entries.slice(0, -1);
  expect(kept.length).toBeGreaterThan(0);
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: kept }));
  for (const e of kept)
    writeFileSync(join(folder, `${e.tag}.sql`), readFileSync(join(MIGRATIONS, `${e.tag}.sql`), "utf8"));
  const sql = readFileSync(join(MIGRATIONS, `${newest.tag}.sql`), "utf8");
  return {
    folder,
    total: journal.entries.length,
    newest: {
      // A table drizzle-kit rebuilds is created as `__new_<name>` and renamed to <name>.
      tables: [...sql.matchAll(/CREATE TABLE `(\w+)`/g)].map((m) => m[1]!.replace(/^__new_/, "")),
      columns: [...sql.matchAll(/ALTER TABLE `(\w+)` ADD `(\w+)`/g)].map((m) => [m[1]!, m[2]!] as const),
    },
  };
}
