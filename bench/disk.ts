/**
 * The floor under Tollgate's latency: what one durable commit costs on this disk. A
 * response's end waits for its charge's commit, and with synchronous=FULL (the default)
 * a commit in WAL mode is an fsync. Measured with bun:sqlite in the same folder as the
 * gateway's database, one row per commit.
 */
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { percentile } from "./stats.ts";

export type CommitCost = { commits: number; p50Ms: number; p99Ms: number };

export function commitCost(dir: string, commits: number): CommitCost {
  const db = new Database(join(dir, "fsync-probe.db"), { create: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = FULL");
  db.run("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  const commit = db.transaction((v: number) => insert.run(v));
  const ms: number[] = [];
  for (let i = 0; i < commits; i++) {
    const t0 = performance.now();
    commit.immediate(i);
    ms.push(performance.now() - t0);
  }
  db.close();
  return { commits, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99) };
}
