/**
 * `bun bench/profile.ts [--stream] [--seconds=N] [--kb=1|32|128] [--surface=chat|responses|gemini|messages] [--tree=<source tree>]`: Tollgate
 * alone under wrk load with Bun's CPU profiler on, then the profile's samples grouped by what
 * the request was doing. `--kb` sends an agent-shaped body of that size (bench/agent-body.ts)
 * instead of the small chat request; `--surface` asks another client API (bench/surface-request.ts). `--tree` profiles another source tree's Tollgate (its own
 * bench/targets.ts starts it, as in bench/ab.ts), grouped by this tree's categories.
 * Writes the raw .cpuprofile and Bun's markdown next to bench/results/profile-*.md.
 */
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BODY_KBS, type BodyKb } from "./agent-body.ts";
import type { Service } from "./services.ts";
import { surfaceArg, surfaceBody, surfaceUrl } from "./surface-request.ts";
import { startMock } from "./targets.ts";
import { wrk } from "./wrk.ts";

const ROOT = join(import.meta.dir, "..");
const stream = process.argv.includes("--stream");
const seconds = Number(process.argv.find((a) => a.startsWith("--seconds="))?.slice(10) ?? 8);
const kbArg = process.argv.find((a) => a.startsWith("--kb="))?.slice(5);
const kb = kbArg === undefined ? null : (Number(kbArg) as BodyKb);
if (kb !== null && !BODY_KBS.includes(kb)) throw new Error(`--kb must be one of ${BODY_KBS.join(", ")}`);
const surface = surfaceArg(process.argv);
const tree = resolve(process.argv.find((a) => a.startsWith("--tree="))?.slice(7) ?? ROOT);

/** Most specific first: a sample counts for the first category any frame of its stack matches. */
const CATEGORIES: [string, RegExp][] = [
  [
    "start-up (module load, tokenizer tables, migrations, config)",
    /\(module\)|boot\.ts|start\.ts|main\.ts|migrat/,
  ],
  [
    "SQLite writes: group commit (ledger, log, key rows, COMMIT, WAL fsync)",
    /server\/store\/|charge-batch\.ts|fsyncCb/,
  ],
  ["cross-process change check (PRAGMA data_version)", /syncExternalChanges/],
  ["upstream request (fetch, until headers)", /providers\/http\.ts:\d+ (async )?send/],
  ["SSE parsing of the upstream stream", /sse\/parser\.ts|providers\/http\.ts:\d+ (async )?events/],
  [
    "stream tap (JSON.parse per event, usage, re-encode)",
    /chat-tap\.ts|chat-codec\.ts|\/tap\.ts|kept-items\.ts/,
  ],
  ["stream forwarding (ReadableStream pull, settle)", /stream-response\.ts/],
  ["request body read + zod validation", /http\/body\.ts|zod\//],
  ["key auth (SHA-256 of the key, map lookup)", /client-auth\.ts|key-store\.ts/],
  ["rate limiter", /rate-limit\.ts/],
  ["reservation and cost math", /reserve-plan\.ts|money\.ts|account-book\.ts/],
  ["Elysia routing, hooks, response mapping", /elysia\//],
  ["other Tollgate code", /\/server\//],
];

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};

export function categorize(profile: { nodes: Node[]; samples: number[] }): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frame = (n: Node) =>
    `${n.callFrame.url.replace(tree, "") || n.callFrame.functionName}:${n.callFrame.lineNumber} ${n.callFrame.functionName}@${n.callFrame.url ? "js" : "native"}`;
  const memo = new Map<number, string>();
  const categoryOf = (leaf: number): string => {
    const hit = memo.get(leaf);
    if (hit) return hit;
    const stack: string[] = [];
    for (let q: number | undefined = leaf; q !== undefined; q = parent.get(q))
      stack.push(frame(byId.get(q)!));
    const leafName = byId.get(leaf)!.callFrame.functionName;
    let cat =
      stack.length <= 2
        ? "native runtime outside JS (HTTP I/O, stream piping, GC) or idle"
        : "other native/runtime";
    if (leafName === "fetch" && stack.some((f) => /providers\/http\.ts/.test(f)))
      cat = "upstream request (fetch, until headers)";
    else
      for (const [name, re] of CATEGORIES)
        if (stack.some((f) => re.test(f))) {
          cat = name;
          break;
        }
    memo.set(leaf, cat);
    return cat;
  };
  const counts = new Map<string, number>();
  for (const s of profile.samples) counts.set(categoryOf(s), (counts.get(categoryOf(s)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** How many group commits the run made and how many writes they carried (from /health/detailed). */
async function groupCommits(base: string): Promise<{ batches: number; entries: number }> {
  const res = await fetch(`${base}/health/detailed`);
  const body = (await res.json()) as {
    components: { database: { details: { group_commits: number; group_commit_entries: number } } };
  };
  const d = body.components.database.details;
  return { batches: d.group_commits, entries: d.group_commit_entries };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-profile-"));
  const profDir = join(dir, "prof");
  const services: Service[] = [];
  const { port: mockPort } = await startMock(dir, services);
  const { startTollgate } = (await import(join(tree, "bench/targets.ts"))) as typeof import("./targets.ts");
  const { target } = await startTollgate({
    dir,
    name: "tollgate",
    mockPort,
    services,
    bunFlags: ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profDir}`],
  });
  const base = new URL(target.url).origin;
  const run = {
    url: surfaceUrl(surface, target.url, stream),
    headers: target.headers,
    body: surfaceBody(surface, kb, stream),
    connections: 32,
    dir,
  };
  await wrk({ ...run, seconds: 2 });
  const r = await wrk({ ...run, seconds });
  const db = await groupCommits(base);
  // Tollgate first: it writes its profile as it exits.
  for (const svc of services.reverse()) await svc.stop();

  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("no .cpuprofile written");
  const profile = (await Bun.file(join(profDir, file)).json()) as { nodes: Node[]; samples: number[] };
  const cats = categorize(profile);
  const total = profile.samples.length;
  const lines = [
    `## Tollgate CPU profile, ${surface}, ${stream ? "streaming" : "non-streaming"}${kb === null ? "" : `, ${kb} KB agent-shaped body`} (${new Date().toISOString()})`,
    "",
    `wrk -c32 for 2 s warm-up + ${seconds} s: ${Math.round(r.rps)} req/s, ${r.errors} errors; ${total} samples at 1 ms.`,
    `Group commits: ${db.batches} carrying ${db.entries} writes (${(db.entries / Math.max(1, db.batches)).toFixed(1)} per commit).`,
    "",
    "| Share of samples | What |",
    "|---:|---|",
    ...cats.map(([name, n]) => `| ${((n / total) * 100).toFixed(1)}% | ${name} |`),
  ];
  const out = join(import.meta.dir, "results");
  mkdirSync(out, { recursive: true });
  const stamp = `profile-${surface === "chat" ? "" : `${surface}-`}${stream ? "stream" : "json"}${kb === null ? "" : `-${kb}kb`}${tree === ROOT ? "" : "-tree"}`;
  await Bun.write(join(out, `${stamp}.md`), `${lines.join("\n")}\n`);
  await Bun.write(join(out, `${stamp}.cpuprofile`), Bun.file(join(profDir, file)));
  const md = readdirSync(profDir).find((f) => f.endsWith(".md"));
  if (md) await Bun.write(join(out, `${stamp}.bun.md`), Bun.file(join(profDir, md)));
  console.log(lines.join("\n"));
  console.log(`\nwrote bench/results/${stamp}.{md,cpuprofile,bun.md}`);
}

if (import.meta.main) await main();
