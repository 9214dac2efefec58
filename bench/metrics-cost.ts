/**
 * `bun bench/metrics-cost.ts [--tree=<source tree>] [N]`: CPU per finished request of
 * `Metrics.request` (the Prometheus counters and histograms a committed log row updates), in
 * process: 8 label combinations, N rows a round, best and median of 7 rounds. `--tree` takes
 * another tree's metrics.ts (before and after in one command, run alternately).
 */
import { resolve } from "node:path";

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
const tree = resolve(process.argv.find((a) => a.startsWith("--tree="))?.slice(7) ?? `${import.meta.dir}/..`);
const { Metrics } = await import(`${tree}/server/metrics/metrics.ts`);
const metrics = new Metrics({ currency: "USD", keyLabels: false, knownModel: () => true });
const rows = Array.from({ length: 8 }, (_, i) => ({
  id: `r${i}`,
  createdAt: 0,
  keyId: "key_1",
  accountId: "acc_1",
  endpoint: "chat.completions",
  model: `model-${i % 4}`,
  provider: "openai",
  upstreamModel: `up-${i % 4}`,
  status: i === 7 ? 429 : 200,
  outcome: "ok",
  stream: i % 2 === 0,
  inputTokens: 120,
  cachedTokens: i,
  outputTokens: 40,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  usageSource: "reported",
  cost: 12_345,
  latencyMs: 3 + i,
  ttftMs: i % 2 === 0 ? 2 : null,
  maxTokensClamped: null,
  errorCode: i === 7 ? "rate_limit_exceeded" : null,
  errorMessage: i === 7 ? "Rate limit of 10 requests per minute reached for this key" : null,
  attempts: [],
  droppedFields: [],
}));
const times: number[] = [];
for (let round = 0; round < 7; round++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) metrics.request(rows[i & 7]);
  const t = process.cpuUsage(t0);
  times.push(((t.user + t.system) * 1000) / n);
}
times.sort((a, b) => a - b);
const text = await metrics.text();
console.log(
  `${tree}: Metrics.request ${times[0]!.toFixed(0)} ns best, ${times[3]!.toFixed(0)} ns median per row (${n} rows x 7); /metrics ${text.length} chars`,
);
