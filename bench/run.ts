/**
 * `npm run bench` (full, a few minutes) and `npm run bench -- --smoke` (seconds, in npm test);
 * `--sync-normal` adds Tollgate on TOLLGATE_DB_SYNC=normal as a fifth target, `--before=<tree>`
 * Tollgate from another source tree (before and after in one run), `--rounds=N`, `--only=rate`
 * the fixed-rate latency steps alone (small and agent-shaped bodies; results as `latest-full-rate`).
 * Starts a mock upstream, a bare Bun proxy, Tollgate and Portkey as separate processes,
 * measures them in alternation (each step runs against every target before the next step,
 * the target order rotating per round), and writes bench/results/<time>.{json,md} plus
 * latest.{json,md}. Needs `wrk` and `hey` on PATH (Debian packages of those names).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureFolders } from "../scripts/package-folders.ts";
import { type BinaryFigures, measureBinary } from "./binary.ts";
import { commitCost } from "./disk.ts";
import { planFromArgs, runName } from "./plan.ts";
import { memory } from "./proc-stats.ts";
import { bodyGoals, type Extras, goals, headline, markdown } from "./report.ts";
import { KINDS, newRecord, summarize, type TargetRecord } from "./results.ts";
import {
  bodySize,
  type Ctx,
  firstTokens,
  fixedRate,
  heldStreams,
  lateRss,
  sanity,
  saturation,
  soakChunk,
  warmUp,
} from "./steps.ts";
import { ADMIN_TOKEN, startFleet, type Target, type TargetId } from "./targets.ts";

const plan = planFromArgs(process.argv.slice(2));
const RESULTS = join(import.meta.dir, "results");
const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

for (const tool of ["wrk", "hey"]) {
  if (!Bun.which(tool)) {
    console.error(`bench: '${tool}' is not installed (apt-get install -y wrk hey)`);
    process.exit(1);
  }
}

// Portkey, the peer, lives in bench/peers: installed here on first use, before anything is measured.
await ensureFolders(["benchPeers"]);

const rotate = <T>(xs: T[], n: number) => xs.map((_, i) => xs[(i + n) % xs.length]!);

/** Runs `step` against every target, the order rotated by round so no target always goes first. */
async function alternate(
  targets: Target[],
  records: Map<TargetId, TargetRecord>,
  ctx: Ctx,
  step: (t: Target, rec: TargetRecord, ctx: Ctx) => Promise<unknown>,
) {
  for (const t of rotate(targets, ctx.round)) await step(t, records.get(t.id)!, ctx);
}

async function main(): Promise<number> {
  const started = new Date();
  const load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
  log(`${plan.mode} run; processes and logs in ${dir}`);
  const disk = commitCost(dir, plan.mode === "full" ? 500 : 50);
  log(`one durable SQLite commit here: p50 ${disk.p50Ms.toFixed(2)} ms, p99 ${disk.p99Ms.toFixed(2)} ms`);
  const fleet = await startFleet(dir, {
    syncNormal: process.argv.includes("--sync-normal"),
    before: process.argv.find((a) => a.startsWith("--before="))?.slice("--before=".length) ?? null,
  });
  const { targets } = fleet;
  const records = new Map(targets.map((t) => [t.id, newRecord(t.id, t.label, t.startupMs)]));
  const notes: string[] = [];
  let binary: BinaryFigures | null = null;
  let ledger: Extras["tollgateLedger"] = null;
  try {
    for (const t of targets) await sanity(t);
    const ctx: Ctx = { plan, dir, round: 0 };
    log("warm-up");
    await alternate(targets, records, ctx, warmUp);

    for (let round = 0; round < plan.rounds; round++) {
      ctx.round = round;
      if (!plan.only) {
        log(`round ${round + 1}/${plan.rounds}: saturation`);
        for (const kind of KINDS)
          await alternate(targets, records, ctx, (t, r, c) => saturation(t, r, kind, c));
      }
      log(`round ${round + 1}/${plan.rounds}: fixed rate ${plan.rate} req/s`);
      for (const kind of KINDS) await alternate(targets, records, ctx, (t, r, c) => fixedRate(t, r, kind, c));
      for (const kb of plan.rateBodyKbs) {
        log(`round ${round + 1}/${plan.rounds}: fixed rate ${plan.rate} req/s, agent-shaped ${kb} KB`);
        for (const kind of KINDS)
          await alternate(targets, records, ctx, (t, r, c) => fixedRate(t, r, kind, c, kb));
      }
      if (plan.only) continue;
      log(`round ${round + 1}/${plan.rounds}: time to first token`);
      await alternate(targets, records, ctx, firstTokens);
    }

    // The body-size matrix: its own rounds, each size and kind against every target in turn.
    for (let round = 0; round < (plan.only ? 0 : plan.rounds); round++) {
      ctx.round = round;
      log(`round ${round + 1}/${plan.rounds}: agent-shaped bodies of ${plan.bodyKbs.join(", ")} KB`);
      for (const kb of plan.bodyKbs)
        for (const kind of KINDS)
          await alternate(targets, records, ctx, (t, r, c) => bodySize(t, r, kb, kind, c));
    }

    if (plan.soakRequests > 0 && !plan.only) {
      log(`soak: every target to ${plan.soakRequests.toLocaleString("en-US")} requests`);
      let more = true;
      while (more) {
        more = false;
        for (const t of targets) if (await soakChunk(t, records.get(t.id)!, ctx)) more = true;
      }
      await Bun.sleep(1000);
      for (const t of targets) {
        const rec = records.get(t.id)!;
        rec.soak = { requests: rec.served, rssMb: memory(t.pid).rssMb };
      }
    }
    for (const t of targets) records.get(t.id)!.peakRssMb = memory(t.pid).peakMb;

    if (!plan.only) {
      log(`open streams: ${plan.openStreams} at once per target`);
      await alternate(targets, records, ctx, heldStreams);
    }
    if (plan.openStreamsLateMs > 0 && !plan.only) {
      log(`RSS ${plan.openStreamsLateMs / 1000} s after the held streams closed`);
      await lateRss(targets, records, ctx);
    }

    ledger = await tollgateBooks(fleet.tollgate, records.get("tollgate")!);
    try {
      binary = await measureBinary(dir, Number(new URL(targets[0]!.url).port));
    } catch (err) {
      notes.push(`dist/tollgate exists but could not be measured: ${String(err).split("\n")[0]}`);
    }
  } finally {
    await Promise.all(fleet.services.map((s) => s.stop()));
  }

  const direct = records.get("direct")!;
  const summaries = targets.map((t) => summarize(records.get(t.id)!, direct));
  if (plan.only)
    notes.push(`--only=${plan.only}: the other steps did not run; their figures read n/a or NaN.`);
  if (plan.mode === "full") {
    notes.push(
      "Figures are medians over rounds on a shared 2-core machine where the load generator, the mock and the gateway compete for the same cores: compare targets within one run, not across runs.",
    );
  } else {
    notes.push("Smoke run: every target answered and the pipeline ran; the figures are not measurements.");
  }
  const when = started.toISOString().replace(/\.\d+Z$/, "Z");
  const extras: Extras = { tollgateLedger: ledger, binary, disk, loadAvg: { start: load0, end: loadavg() } };
  const md = markdown({ s: summaries, plan, when, extras, notes });
  const json = {
    when,
    plan,
    machine: { cores: navigator.hardwareConcurrency, bun: Bun.version, loadAvg: extras.loadAvg, disk },
    targets: targets.map(({ id, label, startupMs }) => ({ id, label, startupMs })),
    summary: summaries,
    goals: goals(summaries, plan),
    bodyGoals: bodyGoals(summaries, plan),
    headline: headline(summaries, plan),
    tollgate: { ledger, binary: binary ?? "n/a" },
    samples: Object.fromEntries(records),
    notes,
  };
  mkdirSync(RESULTS, { recursive: true });
  const stamp = `${when.replaceAll(":", "-")}-${runName(plan)}`;
  for (const name of [stamp, `latest-${runName(plan)}`]) {
    writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(RESULTS, `${name}.md`), md);
  }
  console.log(`\n${md}`);
  log(`wrote bench/results/${stamp}.{json,md} and latest-${runName(plan)}.{json,md}`);
  rmSync(dir, { recursive: true, force: true });

  const errors = summaries.reduce((n, s) => n + s.errors, 0);
  const incomplete = summaries.filter((s) => s.openStreams && s.openStreams.open < s.openStreams.requested);
  if (plan.mode === "smoke" && (errors > 0 || incomplete.length > 0)) {
    console.error(
      `bench smoke: ${errors} failed requests; open streams incomplete: ${incomplete.map((s) => s.id)}`,
    );
    return 1;
  }
  return 0;
}

/** Tollgate's own account of the run, read through its admin API: billing and logging were on. */
async function tollgateBooks(
  tg: { adminUrl: string; keyId: string; accountId: string },
  rec: TargetRecord,
): Promise<Extras["tollgateLedger"]> {
  const get = async <T>(path: string) =>
    (await (
      await fetch(`${tg.adminUrl}${path}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as T;
  await Bun.sleep(500);
  const usage = await get<{ requests: number; spend: number }>(`/keys/${tg.keyId}/usage`);
  const account = await get<{ balance: number }>(`/accounts/${tg.accountId}`);
  return { logged: usage.requests, answered: rec.served, spend: usage.spend, balance: account.balance };
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error("bench failed:", err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
