/**
 * Fixed-rate runs with hey (Debian's `hey`), every request's latency written as CSV (hey
 * prints seconds with four decimals: the resolution is 0.1 ms). One hey with N workers
 * paces them with N tickers started together, so requests arrive in bursts of N and the
 * last of a burst waits for the others: it measures a gateway's CPU per request more than
 * its latency. Instead, `workers` hey processes with one connection each at rate/workers
 * are started 1/rate apart, so their ticks interleave into an even stream of arrivals.
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

function heyArgs(run: HeyRun): string[] {
  const n = run.workers;
  const args = [
    "hey",
    ...(run.seconds !== null
      ? ["-z", `${run.seconds}s`]
      : ["-n", String(Math.ceil((run.requests ?? 100) / n))]),
    "-c",
    "1",
    "-q",
    String(run.rate / n),
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
  return args;
}

async function oneHey(args: string[]): Promise<string> {
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`hey exited with ${code}: ${err}`);
  return out;
}

export async function hey(run: HeyRun): Promise<HeyResult> {
  const args = heyArgs(run);
  const runs: Promise<string>[] = [];
  for (let i = 0; i < run.workers; i++) {
    runs.push(oneHey(args));
    await Bun.sleep(1000 / run.rate);
  }
  const outs = await Promise.all(runs);
  // Every output starts with its own CSV header line; parseHeyCsv skips one.
  const result = parseHeyCsv(outs.map((o, i) => (i === 0 ? o : o.slice(o.indexOf("\n") + 1))).join(""));
  if (result.requests === 0) throw new Error(`hey made no requests: ${outs[0]?.slice(0, 500)}`);
  return result;
}

/**
 * A short closed-loop run (hey -n N -c C, no rate): smoke mode's stand-in for a wrk run,
 * which cannot be shorter than a second. Requests a second are over the wall time.
 */
export async function heyBurst(run: {
  url: string;
  headers: Record<string, string>;
  body: string;
  requests: number;
  connections: number;
}): Promise<{ requests: number; errors: number; rps: number; latencyMs: { p50: number; p99: number } }> {
  const args = ["hey", "-n", String(run.requests), "-c", String(run.connections), "-t", "10", "-m", "POST"];
  args.push("-d", run.body, "-o", "csv");
  for (const [k, v] of Object.entries(run.headers)) args.push("-H", `${k}: ${v}`);
  args.push(run.url);
  const t0 = performance.now();
  const out = await oneHey(args);
  const seconds = (performance.now() - t0) / 1000;
  const r = parseHeyCsv(out);
  return { requests: r.requests, errors: r.errors, rps: r.requests / seconds, latencyMs: r.latencyMs };
}
