/**
 * `BUN_CONFIG_MAX_HTTP_REQUESTS=65535 bun bench/held-heap.ts [n] [--kb=32]`: what a held stream keeps
 * (issue 16). Tollgate runs in this process (the bench config, a fresh database, the mock
 * upstream in its own process); n clients (bench/held-client.ts, another process) each hold a
 * `bench-hold` stream open; the heap is read after a full collection before and while they
 * are held, and the object types that grew by at least half an object per stream are listed
 * per stream, with the RSS and heap growth per stream. `--kb` holds streams asked with an
 * agent-shaped body of that size (bench/agent-body.ts) instead of the small one. The heap's size counts each upstream
 * body's read buffer whole, though only the pages it touched are resident: compare RSS.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnv } from "../server/config/env.ts";
import { DEFAULT_MIGRATIONS, startServer } from "../server/start.ts";
import { holdStreams, kbEach, reading } from "./hold.ts";
import { freePort } from "./services.ts";
import { ADMIN_TOKEN, tollgateConfig, tollgateEnv } from "./targets.ts";
import { BENCH_MODEL, requestBody } from "./workload.ts";

const n = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 1000);
const bodyKb = process.argv.find((a) => a.startsWith("--kb="))?.slice(5);
const dir = mkdtempSync(join(tmpdir(), "tollgate-held-heap-"));
const mockPort = freePort();
const mock = Bun.spawn([process.execPath, join(import.meta.dir, "mock-upstream.ts")], {
  env: { ...process.env, PORT: String(mockPort) },
  stdout: "ignore",
});
await Bun.sleep(700);
await Bun.write(join(dir, "tollgate.yaml"), tollgateConfig(mockPort));
const port = freePort();
const vars: Record<string, string> = { ...tollgateEnv(dir, port), TOLLGATE_LOG_LEVEL: "silent" };
const running = await startServer({
  env: readEnv(vars),
  vars,
  migrationsFolder: DEFAULT_MIGRATIONS,
  version: "held-heap",
});
const base = `http://127.0.0.1:${port}`;
const admin = async <T>(path: string, body: unknown): Promise<T> =>
  (await (
    await fetch(`${base}/admin/api${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  ).json()) as T;
const account = await admin<{ id: string }>("/accounts", { name: "held", balance: "1000000" });
const key = await admin<{ key: string }>("/keys", {
  account_id: account.id,
  name: "held",
  rpm_limit: 1e9,
  daily_request_limit: 1e9,
});
const url = `${base}/v1/chat/completions`;
// Warm: code compiled and caches filled by ordinary streams before the first reading.
for (let i = 0; i < 50; i++)
  await (
    await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
      body: requestBody({ stream: true, model: BENCH_MODEL }),
    })
  ).text();

const before = reading();
const streams = await holdStreams({ url, key: key.key, n, kb: bodyKb });
const held = reading();
console.log(
  `${n} held streams: RSS +${kbEach(held.rss - before.rss, n)} KB each, heap +${kbEach(held.heap - before.heap, n)} KB each`,
);
console.log("| per stream | object type |\n|---:|---|");
for (const [type, grew] of Object.keys(held.counts)
  .map((t) => [t, (held.counts[t] ?? 0) - (before.counts[t] ?? 0)] as const)
  .filter(([, d]) => d >= n / 2)
  .sort((a, b) => b[1] - a[1]))
  console.log(`| ${(grew / n).toFixed(1)} | ${type} |`);
await streams.release();
await running.stop(500);
mock.kill();
process.exit(0);
