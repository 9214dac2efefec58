/**
 * `bun bench/before-after.ts [bench/results/<run>-full.json]`: the before-and-after table of
 * a run made with `npm run bench -- --before=<tree>` (tollgate-before against tollgate, in the
 * same run): ratios to the bare proxy and to Portkey per body size and kind, CPU per request
 * and per extra KB, added latency at the fixed rate, held-stream memory and RSS recovery.
 * Defaults to bench/results/latest-full.json.
 */
import { join } from "node:path";
import { ADDED_LATENCY_GOAL } from "./report.ts";
import type { Summary } from "./results.ts";

type Run = {
  when: string;
  plan: { rate: number };
  summary: Summary[];
  machine: { loadAvg: { start: number[]; end: number[] } };
};

const file = process.argv[2] ?? join(import.meta.dir, "results", "latest-full.json");
const run = (await Bun.file(file).json()) as Run;
const by = (id: string) => {
  const s = run.summary.find((x) => x.id === id);
  if (!s) throw new Error(`${file} has no ${id} target (run with --before=<tree>)`);
  return s;
};
const [before, after, bare, portkey] = ["tollgate-before", "tollgate", "bare", "portkey"].map(by) as [
  Summary,
  Summary,
  Summary,
  Summary,
];
const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));
const sign = (x: number) => `${x >= 0 ? "+" : ""}${f(x)}`;
const cell = (s: Summary, kb: number, _kind: "json" | "stream") => s.bodies.find((b) => b.kb === kb);

const rows: string[] = ["| Figure | before | after | goal |", "|---|---:|---:|---|"];
for (const kb of [1, 32, 128])
  for (const kind of ["json", "stream"] as const) {
    const ratio = (s: Summary) =>
      (cell(s, kb, kind)?.rps[kind] ?? NaN) / (cell(bare, kb, kind)?.rps[kind] ?? NaN);
    const pk = (s: Summary) =>
      (cell(s, kb, kind)?.rps[kind] ?? NaN) / (cell(portkey, kb, kind)?.rps[kind] ?? NaN);
    const goal = kind === "stream" ? ">= 0.4" : kb === 1 ? ">= 0.5" : kb === 128 ? ">= 0.45" : "-";
    rows.push(`| ${kb} KB ${kind}: req/s / bare | ${f(ratio(before))} | ${f(ratio(after))} | ${goal} |`);
    rows.push(`| ${kb} KB ${kind}: req/s / Portkey | ${f(pk(before))}x | ${f(pk(after))}x | >= 2x |`);
    rows.push(
      `| ${kb} KB ${kind}: CPU ms per request (bare ${f(cell(bare, kb, kind)?.cpuMs[kind], 3)}) | ${f(cell(before, kb, kind)?.cpuMs[kind], 3)} | ${f(cell(after, kb, kind)?.cpuMs[kind], 3)} | - |`,
    );
  }
for (const kind of ["json", "stream"] as const)
  rows.push(
    `| CPU µs per extra KB, ${kind} (bare ${f(bare.cpuUsPerKb[kind])}) | ${f(before.cpuUsPerKb[kind])} | ${f(after.cpuUsPerKb[kind])} | within 2x of bare |`,
  );
for (const kind of ["json", "stream"] as const)
  rows.push(
    `| Added p50 / p99 at the fixed rate, ${kind}, small body (ms) | ${sign(before.added[kind].p50)} / ${sign(before.added[kind].p99)} | ${sign(after.added[kind].p50)} / ${sign(after.added[kind].p99)} | < 1 / < 5 at 1 KB |`,
  );
// The fixed rate with the agent-shaped bodies (runs from before that step have none: n/a).
const KIND_NAME = { json: "JSON", stream: "stream" } as const;
for (const kb of [128] as const)
  for (const kind of ["json", "stream"] as const) {
    const added = (s: Summary) => {
      const a = s.rateBodies?.find((b) => b.kb === kb)?.added[kind];
      return a ? `${sign(a.p50)} / ${sign(a.p99)}` : "n/a";
    };
    const line = ADDED_LATENCY_GOAL[kb]!;
    rows.push(
      `| Added p50 / p99 at ${run.plan.rate} req/s, ${KIND_NAME[kind]}, ${kb} KB (ms; bare ${added(bare)}, Portkey ${added(portkey)}) | ${added(before)} | ${added(after)} | < ${line.p50} / < ${line.p99} |`,
    );
  }
const held = (s: Summary) => s.openStreams;
rows.push(
  `| KB per held stream (5,000; bare ${f(held(bare)?.kbPerStream, 0)}) | ${f(held(before)?.kbPerStream, 0)} | ${f(held(after)?.kbPerStream, 0)} | < 20 |`,
);
const recovery = (s: Summary) => {
  const o = held(s);
  const late = o?.rssLateMb;
  return !o || late === undefined || late === null
    ? "n/a"
    : `${f(o.rssBeforeMb, 0)} -> ${f(late, 0)} MB (${late >= o.rssBeforeMb ? "+" : ""}${f((late / o.rssBeforeMb - 1) * 100, 0)}%)`;
};
rows.push(
  `| RSS before the burst -> a minute after it closed | ${recovery(before)} | ${recovery(after)} | within 20% |`,
);

const load = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(
  `Run ${run.when} (${file}); load average ${load(run.machine.loadAvg.start)} at the start, ${load(run.machine.loadAvg.end)} at the end.\n`,
);
console.log(rows.join("\n"));
