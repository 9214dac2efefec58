/**
 * CPU per billed request of the SQLite group commit's executor alone (server/store/
 * batch-executor.ts), without the writer's loop, the fsync or the event loop: the entries
 * group-commit.ts sends (a log row, a charge, a key touch), in batches of 64, into a file
 * database (synchronous=OFF unless --sync says otherwise), each round's CPU (user + system) divided by its entries;
 * the best and the median of the rounds. Steadier than group-commit.ts on a shared machine.
 * Another source tree runs with --tree (a copy of this file is run there).
 * Run: node_modules/.bin/bun bench/batch-executor.ts [--rounds=15] [--n=6400] [--sync=OFF|FULL] [--tree=<dir>]
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const tree = resolve(arg("tree", join(import.meta.dir, "..")));
const ROUNDS = Number(arg("rounds", "15"));
const N = Number(arg("n", "6400"));
const BATCH = 64;

if (tree !== resolve(import.meta.dir, "..")) {
  // Run this same file inside the other tree, so it imports that tree's modules.
  const copy = join(tree, "bench", "batch-executor.ts");
  copyFileSync(import.meta.path, copy);
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--tree="));
  const proc = Bun.spawn([process.execPath, copy, ...args], { stdout: "inherit", stderr: "inherit" });
  process.exit(await proc.exited);
}

const { migrateDb, openDb } = await import(join(tree, "db/client.ts"));
const { BatchExecutor } = await import(join(tree, "server/store/batch-executor.ts"));
const { blankLogRow } = await import(join(tree, "server/testing/log-row.ts"));

const dir = mkdtempSync(join(tmpdir(), "tollgate-batch-bench-"));
try {
  const { sqlite, db } = openDb(join(dir, "bench.db"));
  migrateDb(db, join(tree, "db/migrations"));
  sqlite.run(`PRAGMA synchronous = ${arg("sync", "OFF")}`);
  // The WAL is emptied before each round, so its size after is what the round wrote.
  sqlite.run("PRAGMA wal_autocheckpoint = 0");
  sqlite.run(
    "INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('acc', 'acc', 1000000000000000, 0, 0)",
  );
  sqlite.run(
    "INSERT INTO api_keys (id, account_id, name, prefix, hash, status, used, created_at) VALUES ('key', 'acc', 'k', 'p', 'h', 'active', 0, 0)",
  );
  const executor = new BatchExecutor(sqlite);
  const entry = (id: string, i: number) => [
    { op: "request_log.insert", row: { ...blankLogRow(id, i), keyId: "key", accountId: "acc", cost: 1000 } },
    { charge: { ledgerId: `txn_${id}`, accountId: "acc", keyId: "key", amount: 1000, requestId: id, at: i } },
    { touch: { keyId: "key", at: i } },
  ];
  const perEntry: number[] = [];
  let changes = 0;
  let walBytes = 0;
  for (let r = 0; r <= ROUNDS; r++) {
    const batches = Array.from({ length: N / BATCH }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => entry(`r${r}_${b}_${i}`, r * N + b * BATCH + i)),
    );
    sqlite.run("PRAGMA wal_checkpoint(TRUNCATE)");
    const before = sqlite.query("SELECT total_changes() AS n").get() as { n: number };
    const t0 = process.cpuUsage();
    for (const b of batches) executor.run(b);
    const t = process.cpuUsage(t0);
    const after = sqlite.query("SELECT total_changes() AS n").get() as { n: number };
    changes = after.n - before.n;
    walBytes = statSync(join(dir, "bench.db-wal")).size;
    // Round 0 warms the statements and the JIT.
    if (r > 0) perEntry.push((t.user + t.system) / N);
  }
  perEntry.sort((a, b) => a - b);
  const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
  console.log(
    `${tree}: best ${perEntry[0]!.toFixed(2)} µs/request, median ${perEntry[perEntry.length >> 1]!.toFixed(2)} µs/request, ${(changes / N).toFixed(2)} rows written/request, ${(walBytes / N).toFixed(0)} WAL bytes/request (${ROUNDS} rounds of ${N}, load ${load})`,
  );
  sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
