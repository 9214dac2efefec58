/**
 * `bun bench/ab.ts --a=<tree> --b=<tree> [--rounds=N] [--seconds=S] [--kb=1,128] [--only=json|stream] [--surface=chat|responses|gemini|messages] [--b-env=K=V]`: Tollgate
 * from two source trees (e.g. a worktree of main and a branch) side by side on one
 * machine, one mock upstream, measured in alternation with wrk (-c32, JSON and streamed
 * chat; with `--kb`, agent-shaped bodies of those sizes, bench/agent-body.ts), the order
 * swapped every round so neither always runs first. Reports per tree and kind the
 * median requests/s, p50/p99 latency and Tollgate's CPU milliseconds per request (the
 * figure least moved by other load on the machine). Each tree's own bench/targets.ts
 * starts its server, so the two run their own code; the mock is this tree's.
 *
 * `--surface` picks the client API asked (default chat): `chat` posts chat completions to
 * /v1/chat/completions (model `bench`), `responses` posts OpenAI Responses requests to
 * /v1/responses (model `bench-responses`, passed through to the mock's /v1/responses),
 * `gemini` posts Gemini requests to /v1beta/models/bench-gemini:generateContent
 * (`:streamGenerateContent?alt=sse` for streams), `messages` posts Anthropic Messages
 * requests to /v1/messages (model `bench-messages`, an `anthropic` provider calling the
 * mock's /v1/messages), the same conversation in each shape.
 * Those models and their providers come from each tree's own bench/targets.ts: a tree
 * whose bench/ predates them answers 404 there, so for `--surface=responses|gemini|messages` copy
 * this tree's bench/ over the other tree's first (e.g. `cp -r bench/. <other tree>/bench/`).
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BODY_KBS, type BodyKb } from "./agent-body.ts";
import { cpuSeconds } from "./proc-stats.ts";
import type { Service } from "./services.ts";
import { surfaceArg, surfaceBody, surfaceUrl } from "./surface-request.ts";
import { startMock, type Target } from "./targets.ts";
import { type WrkResult, wrk } from "./wrk.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const trees = { a: arg("a"), b: arg("b") };
if (!trees.a || !trees.b) {
  console.error("usage: bun bench/ab.ts --a=<source tree> --b=<source tree> [--rounds=N] [--seconds=S]");
  process.exit(2);
}
const rounds = Number(arg("rounds") ?? 3);
/** `--a-env=K=V,K2=V2` / `--b-env=...`: environment for that tree's Tollgate (e.g. TOLLGATE_WRITER=thread). */
const envOf = (side: "a" | "b"): Record<string, string> =>
  Object.fromEntries(
    (arg(`${side}-env`)?.split(",") ?? []).map((kv) => [
      kv.slice(0, kv.indexOf("=")),
      kv.slice(kv.indexOf("=") + 1),
    ]),
  );
const seconds = Number(arg("seconds") ?? 3);
const kbs = (arg("kb")?.split(",").map(Number) ?? []) as BodyKb[];
for (const kb of kbs) if (!BODY_KBS.includes(kb)) throw new Error(`--kb takes ${BODY_KBS.join(", ")}`);
/** A kind of request: JSON or stream, with the small body or an agent-shaped one of `kb` KB. */
type Kind = { name: string; stream: boolean; kb: BodyKb | null };
/** `--only=json` or `--only=stream`: one kind of request instead of both. */
const only = arg("only");
const streamModes = only === "json" ? [false] : only === "stream" ? [true] : [false, true];
const KINDS: Kind[] = (kbs.length > 0 ? kbs : [null]).flatMap((kb) =>
  streamModes.map((stream) => ({
    name: `${kb === null ? "" : `${kb}KB-`}${stream ? "stream" : "json"}`,
    stream,
    kb,
  })),
);
const surface = surfaceArg(process.argv);
const bodyOf = (k: Kind) => surfaceBody(surface, k.kb, k.stream);
const urlOf = (chatUrl: string, k: Kind) => surfaceUrl(surface, chatUrl, k.stream);
type Sample = WrkResult & { cpuMsPerRequest: number };

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

async function main() {
  const load0 = load();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-ab-"));
  const services: Service[] = [];
  try {
    const { port: mockPort } = await startMock(dir, services);
    const targets = new Map<"a" | "b", Target>();
    for (const side of ["a", "b"] as const) {
      const { startTollgate } = (await import(
        join(resolve(trees[side]!), "bench/targets.ts")
      )) as typeof import("./targets.ts");
      const { target } = await startTollgate({
        dir: join(dir, side),
        name: "tollgate",
        mockPort,
        services,
        env: envOf(side),
      });
      targets.set(side, target);
    }
    const samples = new Map<string, Sample[]>();
    const run = async (side: "a" | "b", kind: Kind, secs: number) => {
      const t = targets.get(side)!;
      const body = bodyOf(kind);
      const cpu0 = cpuSeconds(t.pid);
      const r = await wrk({
        url: urlOf(t.url, kind),
        headers: t.headers,
        body,
        connections: 32,
        seconds: secs,
        dir,
      });
      return { ...r, cpuMsPerRequest: ((cpuSeconds(t.pid) - cpu0) * 1000) / Math.max(1, r.requests) };
    };
    for (const side of ["a", "b"] as const) for (const kind of KINDS) await run(side, kind, 1); // warm-up
    for (let round = 0; round < rounds; round++)
      for (const side of round % 2 ? (["b", "a"] as const) : (["a", "b"] as const))
        for (const kind of KINDS) {
          const s = await run(side, kind, seconds);
          const k = `${side}/${kind.name}`;
          samples.set(k, [...(samples.get(k) ?? []), s]);
          console.log(
            `round ${round + 1} ${k}: ${Math.round(s.rps)} req/s, p50 ${s.latencyMs.p50.toFixed(2)} ms, p99 ${s.latencyMs.p99.toFixed(2)} ms, ${s.cpuMsPerRequest.toFixed(3)} CPU ms/req, ${s.errors} errors`,
          );
        }
    const lines = [
      `A = ${trees.a} ${JSON.stringify(envOf("a"))}, B = ${trees.b} ${JSON.stringify(envOf("b"))}; surface ${surface}; ${rounds} rounds of ${seconds} s per tree and kind, wrk -c32; medians.`,
      "",
      "| kind | tree | req/s | p50 ms | p99 ms | CPU ms/req |",
      "|---|---|---:|---:|---:|---:|",
    ];
    for (const kind of KINDS)
      for (const side of ["a", "b"] as const) {
        const s = samples.get(`${side}/${kind.name}`)!;
        lines.push(
          `| ${kind.name} | ${side.toUpperCase()} | ${Math.round(median(s.map((x) => x.rps)))} | ${median(s.map((x) => x.latencyMs.p50)).toFixed(2)} | ${median(s.map((x) => x.latencyMs.p99)).toFixed(2)} | ${median(s.map((x) => x.cpuMsPerRequest)).toFixed(3)} |`,
        );
      }
    lines.push("", `Load average at start ${load0}, at end ${load()}.`);
    console.log(`\n${lines.join("\n")}`);
  } finally {
    for (const svc of services.reverse()) await svc.stop();
  }
}

await main();
