/** The run's markdown: headline ratios, the side-by-side table, the goals of issue 6. */
import type { Plan } from "./plan.ts";
import { KINDS, type Kind, type Summary, shapeOf } from "./results.ts";
import type { TargetId } from "./targets.ts";

export type Goal = { goal: string; measured: string; pass: boolean };
export type Extras = {
  tollgateLedger: { logged: number; answered: number; spend: number; balance: number } | null;
  binary: { sizeMb: number; startupMs: number; idleRssMb: number } | null;
  disk: { commits: number; p50Ms: number; p99Ms: number };
  loadAvg: { start: number[]; end: number[] };
};

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const signed = (n: number, digits = 2) =>
  Number.isFinite(n) ? `${n >= 0 ? "+" : ""}${n.toFixed(digits)}` : "n/a";
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? a / b : NaN);

function byId(s: Summary[], id: TargetId): Summary {
  const found = s.find((x) => x.id === id);
  if (!found) throw new Error(`no summary for ${id}`);
  return found;
}

export function goals(s: Summary[], plan: Plan): Goal[] {
  const tg = byId(s, "tollgate");
  const bare = byId(s, "bare");
  const pk = byId(s, "portkey");
  const out: Goal[] = [];
  for (const k of ["json", "stream"] as const) {
    const what = k === "json" ? "non-streaming" : "streaming";
    const vsBare = ratio(tg.rps[k], bare.rps[k]);
    const vsPeer = ratio(tg.rps[k], pk.rps[k]);
    out.push({
      goal: `${what} throughput >= 80% of bare proxy`,
      measured: `${num(vsBare * 100)}%`,
      pass: vsBare >= 0.8,
    });
    out.push({ goal: `${what} throughput >= 2x Portkey`, measured: `${num(vsPeer, 2)}x`, pass: vsPeer >= 2 });
    out.push({
      goal: `${what} added latency at ${plan.rate} req/s: p50 < 1 ms`,
      measured: `${signed(tg.added[k].p50)} ms`,
      pass: tg.added[k].p50 < 1,
    });
    out.push({
      goal: `${what} added latency at ${plan.rate} req/s: p99 < 5 ms`,
      measured: `${signed(tg.added[k].p99)} ms`,
      pass: tg.added[k].p99 < 5,
    });
  }
  out.push({
    goal: "streaming time-to-first-token overhead (p50) < 1 ms",
    measured: `${signed(tg.ttft.overheadP50)} ms`,
    pass: tg.ttft.overheadP50 < 1,
  });
  if (tg.soak) {
    const allowed = Math.max(10, tg.rssAfterWarmupMb * 0.1);
    out.push({
      goal: `RSS flat over ${tg.soak.requests.toLocaleString("en-US")} requests (growth <= max(10 MB, 10%))`,
      measured: `${signed(tg.soak.growthMb, 1)} MB`,
      pass: tg.soak.growthMb <= allowed,
    });
  }
  if (tg.openStreams) {
    const o = tg.openStreams;
    out.push({
      goal: `${o.requested} concurrent open streams held, memory bounded`,
      measured: `${o.open} held, ${num(o.rssOpenMb)} MB RSS (${num(o.kbPerStream)} KB each)`,
      pass: o.open === o.requested,
    });
  }
  return out;
}

const KIND_NAME: Record<Kind, string> = { json: "JSON", stream: "stream" };

/** Issue 16's added-latency lines (ms) at the fixed rate, per agent-shaped body size. */
export const ADDED_LATENCY_GOAL: Partial<Record<number, { p50: number; p99: number }>> = {
  1: { p50: 1, p99: 5 },
  128: { p50: 2, p99: 10 },
};

/** The goals of issue 16 (agent-shaped bodies, thousands of held streams), read off the matrix. */
export function bodyGoals(s: Summary[], plan: Plan): Goal[] {
  const tg = byId(s, "tollgate");
  const bare = byId(s, "bare");
  const pk = byId(s, "portkey");
  const out: Goal[] = [];
  const cell = (x: Summary, kb: number, k: Kind) => x.bodies.find((b) => b.kb === kb)?.rps[k] ?? NaN;
  for (const b of tg.bodies)
    for (const k of KINDS) {
      const floor = k === "stream" ? 0.4 : b.kb === 1 ? 0.5 : b.kb === 128 ? 0.45 : null;
      const vsBare = ratio(cell(tg, b.kb, k), cell(bare, b.kb, k));
      if (floor !== null)
        out.push({
          goal: `${b.kb} KB ${KIND_NAME[k]}: throughput >= ${floor} of bare`,
          measured: num(vsBare, 2),
          pass: vsBare >= floor,
        });
      const vsPeer = ratio(cell(tg, b.kb, k), cell(pk, b.kb, k));
      out.push({
        goal: `${b.kb} KB ${KIND_NAME[k]}: throughput >= 2x Portkey`,
        measured: `${num(vsPeer, 2)}x`,
        pass: vsPeer >= 2,
      });
    }
  for (const k of KINDS) {
    const r = ratio(tg.cpuUsPerKb[k], bare.cpuUsPerKb[k]);
    out.push({
      goal: `CPU per extra KB of body, ${KIND_NAME[k]}: within 2x of bare`,
      measured: `${num(tg.cpuUsPerKb[k], 2)} vs ${num(bare.cpuUsPerKb[k], 2)} µs/KB (${num(r, 2)}x)`,
      pass: r <= 2,
    });
  }
  for (const b of tg.rateBodies) {
    const line = ADDED_LATENCY_GOAL[b.kb];
    if (!line) continue;
    for (const k of KINDS)
      for (const q of ["p50", "p99"] as const)
        out.push({
          goal: `${b.kb} KB ${KIND_NAME[k]}: added latency at ${plan.rate} req/s, ${q} < ${line[q]} ms`,
          measured: `${signed(b.added[k][q])} ms`,
          pass: b.added[k][q] < line[q],
        });
  }
  const o = tg.openStreams;
  if (o && plan.openStreams >= 5000) {
    out.push({
      goal: `${o.requested} held streams under 20 KB each`,
      measured: `${o.open} held, ${num(o.kbPerStream)} KB each`,
      pass: o.open === o.requested && o.kbPerStream < 20,
    });
    if (o.rssLateMb !== null) {
      const growth = o.rssLateMb / o.rssBeforeMb - 1;
      out.push({
        goal: `RSS within 20% of its pre-burst level ${plan.openStreamsLateMs / 1000} s after they closed`,
        measured: `${num(o.rssBeforeMb)} -> ${num(o.rssLateMb)} MB (${signed(growth * 100, 0)}%)`,
        pass: growth <= 0.2,
      });
    }
  }
  return out;
}

/** The body-size matrix: requests/s and CPU ms per request per target, with Tollgate's ratios. */
export function bodyTable(s: Summary[]): string {
  const tg = byId(s, "tollgate");
  const bare = byId(s, "bare");
  const pk = byId(s, "portkey");
  const head = `| Body (messages, tools) | ${s.map((x) => `${x.id} req/s [CPU ms/req]`).join(" | ")} | tollgate / bare | tollgate / portkey |\n|---|${s.map(() => "---:").join("|")}|---:|---:|`;
  const rows: string[] = [];
  for (const b of tg.bodies)
    for (const k of KINDS) {
      const shape = shapeOf(b.kb);
      const at = (x: Summary) => x.bodies.find((y) => y.kb === b.kb);
      const cells = s.map((x) => {
        const c = at(x);
        return c ? `${num(c.rps[k])} [${num(c.cpuMs[k], 3)}]` : "n/a";
      });
      const rps = (x: Summary) => at(x)?.rps[k] ?? NaN;
      rows.push(
        `| ${b.kb} KB ${KIND_NAME[k]} (${shape.messages}, ${shape.tools}) | ${cells.join(" | ")} | ${num(ratio(rps(tg), rps(bare)), 2)} | ${num(ratio(rps(tg), rps(pk)), 2)}x |`,
      );
    }
  for (const k of KINDS)
    rows.push(
      `| CPU µs per extra KB, ${KIND_NAME[k]} | ${s.map((x) => num(x.cpuUsPerKb[k], 2)).join(" | ")} | ${num(ratio(tg.cpuUsPerKb[k], bare.cpuUsPerKb[k]), 2)}x | ${num(ratio(tg.cpuUsPerKb[k], pk.cpuUsPerKb[k]), 2)}x |`,
    );
  return [head, ...rows].join("\n");
}

export function headline(s: Summary[], plan: Plan): string[] {
  const tg = byId(s, "tollgate");
  const bare = byId(s, "bare");
  const pk = byId(s, "portkey");
  const lines: string[] = [];
  for (const k of ["json", "stream"] as const) {
    const what = k === "json" ? "non-streaming" : "streaming";
    lines.push(
      `Tollgate ${what}: ${num(tg.rps[k])} req/s = ${num(ratio(tg.rps[k], bare.rps[k]) * 100)}% of the bare proxy, ${num(ratio(tg.rps[k], pk.rps[k]), 2)}x Portkey; adds ${signed(tg.added[k].p50)} ms p50 / ${signed(tg.added[k].p99)} ms p99 at ${plan.rate} req/s (Portkey ${signed(pk.added[k].p50)} / ${signed(pk.added[k].p99)} ms); CPU ${num(ratio(tg.cpuPer1k[k], bare.cpuPer1k[k]), 2)}x bare, ${num(ratio(tg.cpuPer1k[k], pk.cpuPer1k[k]), 2)}x Portkey.`,
    );
  }
  for (const b of tg.rateBodies) {
    const pb = pk.rateBodies.find((y) => y.kb === b.kb);
    const at = (k: Kind, x = b) => `${signed(x.added[k].p50)} / ${signed(x.added[k].p99)} ms`;
    lines.push(
      `With the ${b.kb} KB agent body at ${plan.rate} req/s, Tollgate adds ${at("json")} (JSON) and ${at("stream")} (stream), p50 / p99${pb ? `; Portkey ${at("json", pb)} and ${at("stream", pb)}` : ""}.`,
    );
  }
  const normal = s.find((x) => x.id === "tollgate-normal");
  if (normal) {
    lines.push(
      `Same Tollgate without the fsync per commit (TOLLGATE_DB_SYNC=normal): ${num(normal.rps.json)} req/s non-streaming (${num(ratio(normal.rps.json, tg.rps.json), 2)}x), ${num(normal.rps.stream)} streams/s (${num(ratio(normal.rps.stream, tg.rps.stream), 2)}x); adds ${signed(normal.added.json.p50)} ms p50 at ${plan.rate} req/s.`,
    );
  }
  lines.push(
    `Time to first token: Tollgate ${signed(tg.ttft.overheadP50)} ms over direct (bare ${signed(bare.ttft.overheadP50)}, Portkey ${signed(pk.ttft.overheadP50)}).`,
  );
  return lines;
}

export function table(s: Summary[]): string {
  const cols = s.map((x) => x.id);
  const rows: [string, (x: Summary) => string][] = [
    ["Throughput, non-streaming (req/s)", (x) => num(x.rps.json)],
    ["Throughput, streaming (streams/s)", (x) => num(x.rps.stream)],
    [
      "Latency p50 / p99 at fixed rate, non-streaming (ms)",
      (x) => `${num(x.latency.json.p50, 1)} / ${num(x.latency.json.p99, 1)}`,
    ],
    [
      "Added p50 / p99 over direct, non-streaming (ms)",
      (x) => (x.id === "direct" ? "-" : `${signed(x.added.json.p50)} / ${signed(x.added.json.p99)}`),
    ],
    [
      "Latency p50 / p99 at fixed rate, streaming (ms)",
      (x) => `${num(x.latency.stream.p50, 1)} / ${num(x.latency.stream.p99, 1)}`,
    ],
    [
      "Added p50 / p99 over direct, streaming (ms)",
      (x) => (x.id === "direct" ? "-" : `${signed(x.added.stream.p50)} / ${signed(x.added.stream.p99)}`),
    ],
    ...s[0]!.rateBodies.flatMap((b) =>
      KINDS.map((k): [string, (x: Summary) => string] => [
        `Added p50 / p99 over direct at fixed rate, ${KIND_NAME[k]}, ${b.kb} KB agent body (ms)`,
        (x) => {
          if (x.id === "direct") return "-";
          const a = x.rateBodies.find((y) => y.kb === b.kb)?.added[k];
          return a ? `${signed(a.p50)} / ${signed(a.p99)}` : "n/a";
        },
      ]),
    ),
    ["Time to first token p50 / p99 (ms)", (x) => `${num(x.ttft.p50, 2)} / ${num(x.ttft.p99, 2)}`],
    ["TTFT overhead p50 over direct (ms)", (x) => (x.id === "direct" ? "-" : signed(x.ttft.overheadP50))],
    ["CPU s per 1,000 requests, non-streaming", (x) => num(x.cpuPer1k.json, 3)],
    ["CPU s per 1,000 requests, streaming", (x) => num(x.cpuPer1k.stream, 3)],
    ["Peak RSS (MB)", (x) => num(x.peakRssMb)],
    ["RSS after warm-up (MB)", (x) => num(x.rssAfterWarmupMb)],
    [
      "RSS after soak (MB) [requests served]",
      (x) => (x.soak ? `${num(x.soak.rssMb)} [${x.soak.requests.toLocaleString("en-US")}]` : "n/a"),
    ],
    [
      "Open streams held / RSS with them open (MB)",
      (x) =>
        x.openStreams
          ? `${x.openStreams.open}/${x.openStreams.requested} / ${num(x.openStreams.rssOpenMb)}`
          : "n/a",
    ],
    [
      "RSS after those streams closed (MB)",
      (x) => (x.openStreams ? num(x.openStreams.rssAfterCloseMb) : "n/a"),
    ],
    [
      "RSS a minute after they closed (MB)",
      (x) => (x.openStreams?.rssLateMb != null ? num(x.openStreams.rssLateMb) : "n/a"),
    ],
    ["KB per held stream", (x) => (x.openStreams ? num(x.openStreams.kbPerStream) : "n/a")],
    ["Start-up to first answer (ms)", (x) => num(x.startupMs)],
    ["Errors (non-2xx, socket)", (x) => String(x.errors)],
  ];
  const head = `| Figure | ${cols.join(" | ")} |\n|---|${cols.map(() => "---:").join("|")}|`;
  return [head, ...rows.map(([name, f]) => `| ${name} | ${s.map(f).join(" | ")} |`)].join("\n");
}

export function markdown(o: {
  s: Summary[];
  plan: Plan;
  when: string;
  extras: Extras;
  notes: string[];
}): string {
  const { s, plan, extras } = o;
  const g = goals(s, plan);
  const e = extras;
  const out = [
    `## Benchmark ${o.when} (${plan.mode}, ${plan.rounds} round${plan.rounds > 1 ? "s" : ""}, medians)`,
    "",
    ...headline(s, plan).map((l) => `- ${l}`),
    "",
    `Targets: ${s.map((x) => `**${x.id}** = ${x.label}`).join("; ")}.`,
    "",
    table(s),
    "",
    "| Goal (issue 6) | Measured | Met |",
    "|---|---:|:---:|",
    ...g.map((x) => `| ${x.goal} | ${x.measured} | ${x.pass ? "yes" : "**no**"} |`),
    "",
    "Agent-shaped bodies (bench/agent-body.ts), saturation with wrk -c32, medians over rounds:",
    "",
    bodyTable(s),
    "",
    "| Goal (issue 16) | Measured | Met |",
    "|---|---:|:---:|",
    ...bodyGoals(s, plan).map((x) => `| ${x.goal} | ${x.measured} | ${x.pass ? "yes" : "**no**"} |`),
    "",
    `Tollgate binary (dist/tollgate): ${e.binary ? `${num(e.binary.sizeMb)} MB, start-up ${num(e.binary.startupMs)} ms, idle RSS ${num(e.binary.idleRssMb)} MB` : "n/a (not built)"}.`,
  ];
  if (e.tollgateLedger) {
    const l = e.tollgateLedger;
    out.push(
      `Tollgate's own books after the run: ${l.logged.toLocaleString("en-US")} requests logged (clients saw ${l.answered.toLocaleString("en-US")} answers), ${l.spend} charged, balance ${l.balance}.`,
    );
  }
  out.push(
    `One durable SQLite commit (WAL, synchronous=FULL, one row) on this disk: p50 ${num(e.disk.p50Ms, 2)} ms, p99 ${num(e.disk.p99Ms, 2)} ms: every billed response waits for one such commit (shared by the requests of its batch).`,
    "Fixed-rate latency: hey processes with one connection each, started apart so arrivals are even; figures are per-round percentiles, 0.1 ms resolution.",
    `Load average at start ${e.loadAvg.start.map((x) => x.toFixed(2)).join(" ")}, at end ${e.loadAvg.end.map((x) => x.toFixed(2)).join(" ")}.`,
    ...o.notes,
  );
  return `${out.join("\n")}\n`;
}
