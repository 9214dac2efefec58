/**
 * `tollgate migrate-db` throughput on a large request log (docs/scale-out.md, "Moving from
 * SQLite"): a SQLite database made by the real gateway (an account, a key, a few billed
 * calls), its request log then grown to N rows, moved by the real CLI process into a real
 * PostgreSQL started here with fsync on. Prints the wall time, rows per second and the
 * source file's size. Run: node_modules/.bin/bun bench/migrate-db.ts [N=200000] [--batch=1000]
 */
import { Database } from "bun:sqlite";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { requestLog } from "../db/schema/index.ts";
import { standardConfig, TestGateway } from "../server/testing/harness.ts";
import { blankLogRow } from "../server/testing/log-row.ts";
import { MockOpenAI } from "../server/testing/mock-openai.ts";
import { startPg } from "../server/testing/pg-server.ts";
import { runCliProcess } from "../server/testing/process.ts";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
const batch = process.argv.find((a) => a.startsWith("--batch="))?.slice(8);

const mock = new MockOpenAI().start();
const tg = await TestGateway.start({ config: standardConfig(mock.url), engine: "sqlite" });
const c = await tg.client(1000);
for (let i = 0; i < 5; i++)
  await c.openai.chat.completions.create({
    model: "gpt-test",
    messages: [{ role: "user", content: `hi ${i}` }],
  });
const dir = tg.dir;
await tg.stop();
mock.stop();

const file = join(dir, "tollgate.db");
const sqlite = new Database(file);
const db = drizzle(sqlite);
const t0 = Date.now() - N * 1000;
const CHUNK = 500;
sqlite.transaction(() => {
  for (let i = 0; i < N; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, N - i) }, (_, j) => ({
      ...blankLogRow(`bench_${i + j}`, t0 + (i + j) * 1000),
      keyId: c.keyId,
      accountId: c.accountId,
      model: "gpt-test",
      provider: "mock",
      inputTokens: 120,
      outputTokens: 40,
      cost: 200,
      latencyMs: 350,
    }));
    db.insert(requestLog).values(rows).run();
  }
})();
sqlite.close();
const mb = statSync(file).size / 1024 / 1024;

const pg = await startPg({ fsync: "on" });
try {
  const url = await pg.createDatabase("moved");
  const started = performance.now();
  const r = await runCliProcess(
    ["migrate-db", "--from", file, "--to", url, ...(batch ? ["--batch", batch] : [])],
    { TOLLGATE_SECRET: "bench-migrate-secret-0123456789abcdef0123456789" },
  );
  const seconds = (performance.now() - started) / 1000;
  if (r.code !== 0) throw new Error(`migrate-db exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  console.log(r.stdout.trim().split("\n").slice(-3).join("\n"));
  console.log(
    `migrate-db: ${N + 5} request-log rows (${mb.toFixed(0)} MB of SQLite) in ${seconds.toFixed(1)} s: ${Math.round((N + 5) / seconds)} rows/s, books compared`,
  );
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
