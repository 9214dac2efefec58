/**
 * Fixed-rate runs with hey (Debian's `hey`): `workers` keep-alive connections, each paced
 * at rate/workers requests a second, every request's latency written as CSV. hey prints
 * times in seconds with four decimals: the resolution is 0.1 ms.
 */
import { percentile } from "./stats.ts";

export type HeyRun = {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Requests a second, all workers together. */
  rate: number;
  workers: number;
  /** Either a duration or a number of requests. */
  seconds: number | null;
  requests: number | null;
};

export type HeyResult = {
  requests: number;
  errors: number;
  latencyMs: { p50: number; p99: number; mean: number };
};

export function parseHeyCsv(csv: string): HeyResult {
  const latencies: number[] = [];
  let errors = 0;
  for (const line of csv.split("\n").slice(1)) {
    const cols = line.split(",");
    if (cols.length < 7) continue;
    const status = Number(cols[6]);
    if (status < 200 || status >= 300) {
      errors++;
      continue;
    }
    latencies.push(Number(cols[0]) * 1000);
  }
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests: latencies.length + errors,
    errors,
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      mean: latencies.length ? sum / latencies.length : NaN,
    },
  };
}

export async function hey(run: HeyRun): Promise<HeyResult> {
  const args = [
    "hey",
    ...(run.seconds !== null ? ["-z", `${run.seconds}s`] : ["-n", String(run.requests ?? 100)]),
    "-c",
    String(run.workers),
    "-q",
    String(run.rate / run.workers),
    "-t",
    "10",
    "-m",
    "POST",
    "-d",
    run.body,
    "-o",
    "csv",
  ];
  for (const [k, v] of Object.entries(run.headers)) args.push("-H", `${k}: ${v}`);
  args.push(run.url);
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`hey exited with ${code}: ${err}`);
  const result = parseHeyCsv(out);
  // hey counts a failed connection as a row without a status: treat missing rows as errors too.
  if (result.requests === 0) throw new Error(`hey made no requests: ${err}${out.slice(0, 500)}`);
  return result;
}
