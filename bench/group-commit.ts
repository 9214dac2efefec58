/**
 * Cost of the group commit per billed request on each engine, same entries, same load: a
 * request-log row, a charge and a key touch per request, N requests with 64 in flight, into
 * SQLite (InlineWriter on a file, synchronous=FULL, as `TOLLGATE_WRITER=inline` runs it) and
 * into a real PostgreSQL started here (PgWriter: one `tollgate_commit_batch` statement per
 * batch, the rows and `tollgate_settle`; pool of 10). Prints requests/s, batches, this process's CPU per
 * request and, for PostgreSQL, its server processes' CPU per request (/proc: the postmaster
 * and its children). The test server runs with fsync=off (server/testing/pg-server.ts), so
 * the PostgreSQL figures leave out the WAL flush a real deployment pays once per batch.
 * The "PostgreSQL's share" figures of docs/scale-out.md, "Sizing".
 * Run: node_modules/.bin/bun bench/group-commit.ts [N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDb, openDb } from "../db/client.ts";
import { migratePg, openPg } from "../db/pg/client.ts";
import { DEFAULT_MIGRATIONS } from "../server/boot.ts";
import { InlineWriter } from "../server/store/inline-writer.ts";
import { PgWriter } from "../server/store/pg-writer.ts";
import type { Writer } from "../server/store/writer.ts";
import type { Entry } from "../server/store/writes.ts";
import { blankLogRow } from "../server/testing/log-row.ts";
import { startPg } from "../server/testing/pg-server.ts";
import { cpuSeconds } from "./proc-stats.ts";

const N = Number(process.argv[2] ?? 20_000);
const IN_FLIGHT = 64;
const BALANCE = 1e15;

const entry = (run: string, i: number): Entry => {
  const id = `${run}_${i}`;
  return [
    { op: "request_log.insert", row: { ...blankLogRow(id, i), keyId: "key", accountId: "acc", cost: 1000 } },
    { charge: { ledgerId: `txn_${id}`, accountId: "acc", keyId: "key", amount: 1000, requestId: id, at: i } },
    { touch: { keyId: "key", at: i } },
  ];
};

/** The postmaster (first line of postmaster.pid) and its children: every PostgreSQL process of this server. */
function pgPids(dataDir: string): number[] {
  const master = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const children = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === master;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [master, ...children];
}
const pgCpu = (dataDir: string) =>
  pgPids(dataDir).reduce((s, pid) => {
    try {
      return s + cpuSeconds(pid);
    } catch {
      return s; // exited meanwhile
    }
  }, 0);

async function measure(name: string, writer: Writer, serverCpu: (() => number) | null) {
  // Warm-up: statements prepared, pool connections open.
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => writer.enqueue(entry(`warm_${name}`, i))));
  const s0 = serverCpu?.() ?? 0;
  const c0 = process.cpuUsage();
  const b0 = writer.stats.batches;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < N) await writer.enqueue(entry(name, next++));
    }),
  );
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const server = serverCpu ? (serverCpu() - s0) * 1000 : null;
  const perReq = (cpuMs: number) => `${((cpuMs / N) * 1000).toFixed(1)} µs`;
  console.log(
    `${name.padEnd(11)} ${Math.round((N / ms) * 1000)
      .toString()
      .padStart(
        6,
      )} req/s  ${writer.stats.batches - b0} batches  gateway CPU ${perReq((c.user + c.system) / 1000)}/req` +
      (server === null ? "" : `  PostgreSQL CPU ${perReq(server)}/req`),
  );
  await writer.close();
}

// SQLite: a file, as a deployment runs it.
const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-commit-"));
const { sqlite, db } = openDb(join(dir, "t.db"));
migrateDb(db, DEFAULT_MIGRATIONS);
sqlite.run(
  `INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('acc', 'acc', ${BALANCE}, 0, 1)`,
);
sqlite.run(
  `INSERT INTO api_keys (id, account_id, name, prefix, hash, created_at) VALUES ('key', 'acc', 'k', 'tg', 'h', 1)`,
);
await measure("SQLite", new InlineWriter(sqlite), null);
sqlite.close();
rmSync(dir, { recursive: true, force: true });

const pg = await startPg();
try {
  const { client, db: pgDb } = openPg(await pg.createDatabase("bench_commit"), { max: 10 });
  await migratePg(pgDb);
  await client.unsafe(
    `INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('acc', 'acc', ${BALANCE}, 0, 1)`,
  );
  await client.unsafe(
    `INSERT INTO api_keys (id, account_id, name, prefix, hash, created_at) VALUES ('key', 'acc', 'k', 'tg', 'h', 1)`,
  );
  await measure("PostgreSQL", new PgWriter(pgDb), () => pgCpu(join(pg.dir, "data")));
  await client.close();
} finally {
  await pg.stop();
}
