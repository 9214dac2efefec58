/**
 * `npm test`: every stage in order, each runner's own output streamed through, then one
 * closing line `N passed, N failed` (CI reads that line; bun's own summary is not read).
 * Stages: check (typecheck, lint, format, dependency rules) -> bun test (root per bunfig.toml) ->
 * the gateway suite's engine-bound files again on PostgreSQL (pg-suite.ts) ->
 * Playwright (e2e/, when present) -> benchmark smoke (bench/, when present). Exits non-zero on any failure.
 * Before bun test, the package folders the tests and the benchmark use (the coding agents,
 * the benchmark's peers) are installed when missing: the only step that needs the network.
 */
import { existsSync } from "node:fs";
import { ensureFolders } from "./package-folders.ts";
import { PG_SUITE } from "./pg-suite.ts";

type Tally = { passed: number; failed: number; skipped: number };
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
/** Every failing test's line, repeated just above the closing line: CI keeps only the tail of a long run. */
const failures: string[] = [];
const bin = (name: string) => `${import.meta.dir}/../node_modules/.bin/${name}`;

async function run(cmd: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      const text = dec.decode(chunk, { stream: true });
      out += text;
      sink.write(text);
    }
  };
  await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
  return { code: await proc.exited, out };
}

const stage = (name: string) => console.log(`\n=== ${name} ===`);

/** Each `(fail)` line of a bun test run with the lines that led to it (its error), at most 25; each unhandled error's first 15. */
function failedWithContext(out: string): string[] {
  const lines = out.split("\n");
  const found: string[] = [];
  let since = 0;
  let file = "";
  lines.forEach((line, i) => {
    if (/^\S+\.test\.tsx?:$/.test(line)) {
      file = line;
      since = i + 1;
    } else if (/^\((pass|skip|todo)\) /.test(line)) since = i + 1;
    else if (/^\(fail\) /.test(line)) {
      found.push(file, ...lines.slice(Math.max(since, i - 25), i + 1), "");
      since = i + 1;
    } else if (line.startsWith("# Unhandled error")) found.push(file, ...lines.slice(i, i + 15), "");
  });
  return found;
}

/** Adds a bun test run's own counts; a run that crashed or ran nothing counts as one failure. */
function tally(r: { code: number; out: string }): void {
  const pass = Number(/^\s*(\d+) pass$/m.exec(r.out)?.[1] ?? 0);
  const fail = Number(/^\s*(\d+) fail$/m.exec(r.out)?.[1] ?? 0);
  total.passed += pass;
  total.failed += fail;
  failures.push(...failedWithContext(r.out));
  if (r.code !== 0 && fail === 0) {
    total.failed++;
    failures.push(`a bun test run exited ${r.code} with no failing test named`);
  }
}

// 1. Static checks count as one test: they must pass before anything else means much.
stage("check: typecheck, lint, format, dependency rules");
const check = await run([process.execPath, "run", "check"]);
if (check.code === 0) total.passed++;
else {
  total.failed++;
  failures.push("npm run check");
}

// Installing counts as one test: when it fails, the tests that need these folders fail too and say so.
stage("package folders: coding agents, benchmark peers");
try {
  await ensureFolders(["agents", "benchPeers"]);
  total.passed++;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  total.failed++;
  failures.push("package folders");
}

// 2. Unit and gateway tests (bun test from the root bunfig.toml names: server/, db/, admin/src).
stage("bun test");
tally(await run([process.execPath, "test", "--timeout", "60000"]));

// 2b. The gateway suite's engine-bound files again, on a real PostgreSQL (one server for the run).
stage(`bun test on PostgreSQL (${PG_SUITE.length} files of the gateway suite: scripts/pg-suite.ts)`);
tally(
  await run([process.execPath, "test", "--timeout", "60000", ...PG_SUITE], {
    TOLLGATE_TEST_ENGINE: "postgres",
  }),
);

// 3. Browser tests, when the admin panel's suite exists.
if (existsSync("playwright.config.ts")) {
  stage("playwright (e2e/)");
  const report = `${process.env.TMPDIR ?? "/tmp"}/tollgate-playwright-${process.pid}.json`;
  const e2e = await run([bin("playwright"), "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  try {
    const stats = (await Bun.file(report).json()).stats as {
      expected: number;
      unexpected: number;
      flaky: number;
      skipped: number;
    };
    total.passed += stats.expected + stats.flaky;
    total.failed += stats.unexpected;
    total.skipped += stats.skipped;
    failures.push(...e2e.out.split("\n").filter((line) => /^\s*✘/.test(line)));
    if (e2e.code !== 0 && stats.unexpected === 0) {
      total.failed++;
      failures.push(`playwright exited ${e2e.code} with no failing test named`);
    }
  } catch {
    total.failed++; // no report: the suite could not run (no browser, config error)
    failures.push("playwright: no report");
  }
}

// 4. The benchmark's smoke mode, so the benchmark never rots.
if (existsSync("bench/run.ts")) {
  stage("benchmark smoke (npm run bench -- --smoke)");
  const smoke = await run([process.execPath, "bench/run.ts", "--smoke"]);
  if (smoke.code === 0) total.passed++;
  else {
    total.failed++;
    failures.push("benchmark smoke");
  }
}

if (failures.length > 0) {
  stage("failed");
  for (const line of failures) console.log(line);
}

console.log(
  `\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`,
);
process.exit(total.failed > 0 ? 1 : 0);
