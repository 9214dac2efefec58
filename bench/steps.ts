/** One measuring step against one target; each adds its sample to the target's record. */
import { agentBody, type BodyKb } from "./agent-body.ts";
import { hey, heyBurst } from "./hey.ts";
import { openStreams } from "./open-streams.ts";
import type { Plan } from "./plan.ts";
import { cpuSeconds, memory } from "./proc-stats.ts";
import type { Kind, SatSample, TargetRecord } from "./results.ts";
import type { Target } from "./targets.ts";
import { firstToken, ttft } from "./ttft.ts";
import { BENCH_MODEL, requestBody } from "./workload.ts";
import { wrk } from "./wrk.ts";

export type Ctx = { plan: Plan; dir: string; round: number };

/** One request of each kind must come back whole before any load is sent. */
export async function sanity(t: Target): Promise<void> {
  const res = await fetch(t.url, {
    method: "POST",
    headers: t.headers,
    body: requestBody({ stream: false }),
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('"content":"tok0 ')) {
    throw new Error(`${t.id} did not answer a chat completion: ${res.status} ${text.slice(0, 300)}`);
  }
  await firstToken(t, requestBody({ stream: true }));
}

/** A closed-loop run and the target's CPU over it, as one saturation sample. */
async function loaded(
  t: Target,
  ctx: Ctx,
  run: () => Promise<{
    rps: number;
    requests: number;
    errors: number;
    latencyMs: { p50: number; p99: number };
  }>,
): Promise<SatSample> {
  const cpu0 = cpuSeconds(t.pid);
  const r = await run();
  const cpu = cpuSeconds(t.pid) - cpu0;
  return {
    round: ctx.round,
    rps: r.rps,
    requests: r.requests,
    errors: r.errors,
    cpuPer1k: r.requests ? (cpu / r.requests) * 1000 : NaN,
    p50: r.latencyMs.p50,
    p99: r.latencyMs.p99,
  };
}

export async function saturation(t: Target, rec: TargetRecord, kind: Kind, ctx: Ctx): Promise<void> {
  const sample = await loaded(t, ctx, () =>
    wrk({
      url: t.url,
      headers: t.headers,
      body: requestBody({ stream: kind === "stream" }),
      connections: ctx.plan.connections,
      seconds: ctx.plan.saturationSeconds,
      dir: ctx.dir,
    }),
  );
  rec.served += sample.requests;
  rec.saturation[kind].push(sample);
}

/**
 * One cell of the body-size matrix: an agent-shaped body of `kb` KB at saturation (wrk,
 * as `saturation`), with the target's CPU per request. Smoke mode sends a short burst.
 */
export async function bodySize(
  t: Target,
  rec: TargetRecord,
  kb: BodyKb,
  kind: Kind,
  ctx: Ctx,
): Promise<void> {
  const body = agentBody({ kb, stream: kind === "stream", model: BENCH_MODEL });
  const { url, headers } = t;
  const p = ctx.plan;
  const sample = await loaded(t, ctx, () =>
    p.bodySeconds > 0
      ? wrk({ url, headers, body, connections: p.connections, seconds: p.bodySeconds, dir: ctx.dir })
      : heyBurst({ url, headers, body, requests: p.bodyRequests, connections: 4 }),
  );
  rec.served += sample.requests;
  rec.bodies[kb][kind].push(sample);
}

/**
 * Latency at the fixed rate: the small chat body, or with `kb` the agent-shaped body of that
 * size (the same body the matrix sends), its samples kept apart per size.
 */
export async function fixedRate(
  t: Target,
  rec: TargetRecord,
  kind: Kind,
  ctx: Ctx,
  kb?: BodyKb,
): Promise<void> {
  const p = ctx.plan;
  const stream = kind === "stream";
  const r = await hey({
    url: t.url,
    headers: t.headers,
    body: kb ? agentBody({ kb, stream, model: BENCH_MODEL }) : requestBody({ stream }),
    rate: p.rate,
    workers: p.rateWorkers,
    seconds: p.rateSeconds,
    requests: p.rateRequests,
  });
  rec.served += r.requests;
  (kb ? rec.rateBodies[kb] : rec.rate)[kind].push({
    round: ctx.round,
    requests: r.requests,
    errors: r.errors,
    ...r.latencyMs,
  });
}

export async function firstTokens(t: Target, rec: TargetRecord, ctx: Ctx): Promise<void> {
  const r = await ttft(t, ctx.plan.ttftStreams);
  rec.served += r.streams;
  rec.ttft.push({ round: ctx.round, streams: r.streams, errors: r.errors, ...r.ms });
}

/** Unmeasured load so JIT, pools and caches are warm before the first round. */
export async function warmUp(t: Target, rec: TargetRecord, ctx: Ctx): Promise<void> {
  for (const kind of ["json", "stream"] as const) {
    if (ctx.plan.warmupSeconds <= 0) continue;
    const r = await wrk({
      url: t.url,
      headers: t.headers,
      body: requestBody({ stream: kind === "stream" }),
      connections: ctx.plan.connections,
      seconds: ctx.plan.warmupSeconds,
      dir: ctx.dir,
    });
    rec.served += r.requests;
  }
  // A few streams left before their end, as clients do: what a gateway loads on first use for
  // them (Tollgate's tokenizer, which bills a left stream's prompt) is loaded before the
  // memory readings, so the 5,000-stream hold measures what streams hold, not a one-time load.
  if (ctx.plan.warmupSeconds > 0)
    rec.served += (await openStreams(t, { count: 20, timeoutMs: 10_000, settleMs: [100, 100] })).open;
  await Bun.sleep(ctx.plan.mode === "full" ? 1000 : 100);
  rec.rssAfterWarmupMb = memory(t.pid).rssMb;
}

/** Non-streaming load until the target has served `plan.soakRequests` in all; one chunk per call. */
export async function soakChunk(t: Target, rec: TargetRecord, ctx: Ctx): Promise<boolean> {
  const left = ctx.plan.soakRequests - rec.served;
  if (left <= 0) return false;
  const rps = rec.saturation.json.at(-1)?.rps ?? 1000;
  const seconds = Math.max(1, Math.min(5, Math.ceil(left / rps)));
  const r = await wrk({
    url: t.url,
    headers: t.headers,
    body: requestBody({ stream: false }),
    connections: ctx.plan.connections,
    seconds,
    dir: ctx.dir,
  });
  rec.served += r.requests;
  return rec.served < ctx.plan.soakRequests;
}

export async function heldStreams(t: Target, rec: TargetRecord, ctx: Ctx): Promise<void> {
  rec.openStreams = await openStreams(t, {
    count: ctx.plan.openStreams,
    timeoutMs: ctx.plan.openStreamsTimeoutMs,
    settleMs: ctx.plan.openStreamsSettleMs,
  });
  rec.served += rec.openStreams.open;
}

/**
 * RSS again once every target's held streams closed at least `openStreamsLateMs` ago
 * (one wait for all: the targets closed theirs one after another, nothing ran since).
 */
export async function lateRss(targets: Target[], records: Map<string, TargetRecord>, ctx: Ctx) {
  const late = ctx.plan.openStreamsLateMs;
  if (late <= 0) return;
  const closedAt = Math.max(...targets.map((t) => records.get(t.id)?.openStreams?.closedAt ?? 0));
  await Bun.sleep(Math.max(0, closedAt + late - Date.now()));
  for (const t of targets) {
    const o = records.get(t.id)?.openStreams;
    if (o) o.rssLateMb = memory(t.pid).rssMb;
  }
}
