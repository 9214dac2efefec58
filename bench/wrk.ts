/** Saturation runs with wrk (Debian's `wrk`): a closed loop of N keep-alive connections. */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type WrkRun = {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  /** Where the generated Lua script goes. */
  dir: string;
};

export type WrkResult = {
  requests: number;
  seconds: number;
  rps: number;
  /** Non-2xx answers plus socket errors (connect, read, write, timeout). */
  errors: number;
  latencyMs: { p50: number; p99: number };
};

/** A Lua string literal: JSON's escapes are Lua's for printable ASCII, all we send. */
const lua = (s: string) => JSON.stringify(s);

function script(run: WrkRun): string {
  const lines = ['wrk.method = "POST"', `wrk.body = ${lua(run.body)}`];
  for (const [k, v] of Object.entries(run.headers)) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
  return `${lines.join("\n")}\n`;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN;
}

export function parseWrk(out: string): WrkResult {
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(out);
  if (!done) throw new Error(`wrk printed no summary:\n${out}`);
  const requests = Number(done[1]);
  const seconds = durationMs(`${done[2]}${done[3]}`) / 1000;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const pct = (p: string) => durationMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(out)?.[1]);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    errors: non2xx + socketErrors,
    latencyMs: { p50: pct("50"), p99: pct("99") },
  };
}

/** Each run's script file is its own: runs started together (one per replica) carry different keys. */
let scripts = 0;

export async function wrk(run: WrkRun): Promise<WrkResult> {
  const file = join(run.dir, `wrk-${process.pid}-${++scripts}.lua`);
  writeFileSync(file, script(run));
  const proc = Bun.spawn(
    [
      "wrk",
      "-t1",
      `-c${run.connections}`,
      `-d${run.seconds}s`,
      "--latency",
      "--timeout",
      "10s",
      "-s",
      file,
      run.url,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  rmSync(file, { force: true });
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${err}${out}`);
  return parseWrk(out);
}
