/** What a run records per target (raw samples per round) and the medians it reports. */
import { BODY_KBS, BODY_SHAPES, type BodyKb } from "./agent-body.ts";
import type { OpenStreamsResult } from "./open-streams.ts";
import { median } from "./stats.ts";
import type { TargetId } from "./targets.ts";

export type Kind = "json" | "stream";
export const KINDS: Kind[] = ["json", "stream"];

export type SatSample = {
  round: number;
  rps: number;
  requests: number;
  errors: number;
  /** Process CPU seconds (user + system) per 1,000 requests during the run. */
  cpuPer1k: number;
  p50: number;
  p99: number;
};
export type RateSample = {
  round: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  mean: number;
};
export type TtftSample = { round: number; streams: number; errors: number; p50: number; p99: number };

export type TargetRecord = {
  id: TargetId;
  label: string;
  startupMs: number;
  saturation: Record<Kind, SatSample[]>;
  rate: Record<Kind, RateSample[]>;
  ttft: TtftSample[];
  /** Requests answered so far (all steps), for the soak reading. */
  served: number;
  rssAfterWarmupMb: number;
  soak: { requests: number; rssMb: number } | null;
  /** VmHWM before the open-streams step (which has its own reading). */
  peakRssMb: number;
  openStreams: OpenStreamsResult | null;
  /** The body-size matrix: saturation samples per body size and kind. */
  bodies: Record<BodyKb, Record<Kind, SatSample[]>>;
  /** The fixed rate with the agent-shaped bodies (`plan.rateBodyKbs`), per size and kind. */
  rateBodies: Record<BodyKb, Record<Kind, RateSample[]>>;
};

const perKb = <T>(f: () => T) => ({ 1: f(), 32: f(), 128: f() }) as Record<BodyKb, T>;

export function newRecord(id: TargetId, label: string, startupMs: number): TargetRecord {
  return {
    id,
    label,
    startupMs,
    saturation: { json: [], stream: [] },
    rate: { json: [], stream: [] },
    ttft: [],
    served: 0,
    rssAfterWarmupMb: NaN,
    soak: null,
    peakRssMb: NaN,
    openStreams: null,
    bodies: perKb(() => ({ json: [], stream: [] })),
    rateBodies: perKb(() => ({ json: [], stream: [] })),
  };
}

export type Summary = {
  id: TargetId;
  label: string;
  rps: Record<Kind, number>;
  cpuPer1k: Record<Kind, number>;
  /** Latency at the fixed rate, and what it adds over the direct call (same round, then median). */
  latency: Record<Kind, Latency>;
  added: Record<Kind, Latency>;
  /** The same with the agent-shaped bodies, per size measured at the fixed rate. */
  rateBodies: RateBodySummary[];
  ttft: { p50: number; p99: number; overheadP50: number; overheadP99: number };
  errors: number;
  startupMs: number;
  peakRssMb: number;
  rssAfterWarmupMb: number;
  soak: { requests: number; rssMb: number; growthMb: number } | null;
  openStreams: OpenStreamsResult | null;
  /** Per body size measured: medians of requests/s and CPU ms per request, per kind. */
  bodies: BodySummary[];
  /**
   * CPU microseconds per extra KB of body, per kind: the slope between the smallest and the
   * largest size measured (NaN with fewer than two sizes).
   */
  cpuUsPerKb: Record<Kind, number>;
};

export type Latency = { p50: number; p99: number; mean: number };
export type RateBodySummary = { kb: BodyKb; latency: Record<Kind, Latency>; added: Record<Kind, Latency> };

export type BodySummary = { kb: BodyKb; rps: Record<Kind, number>; cpuMs: Record<Kind, number> };

/** Median over rounds of a per-round difference against the direct target's same round. */
function medianDiff<T extends { round: number }>(mine: T[], base: T[], f: (s: T) => number): number {
  const diffs: number[] = [];
  for (const s of mine) {
    const b = base.find((x) => x.round === s.round);
    if (b) diffs.push(f(s) - f(b));
  }
  return median(diffs);
}

const per = <T>(f: (k: Kind) => T) => ({ json: f("json"), stream: f("stream") });

function bodySummaries(r: TargetRecord): { bodies: BodySummary[]; cpuUsPerKb: Record<Kind, number> } {
  const bodies = BODY_KBS.filter((kb) => KINDS.some((k) => r.bodies[kb][k].length > 0)).map((kb) => ({
    kb,
    rps: per((k) => median(r.bodies[kb][k].map((s) => s.rps))),
    cpuMs: per((k) => median(r.bodies[kb][k].map((s) => s.cpuPer1k))),
  }));
  const small = bodies[0];
  const large = bodies.at(-1);
  const slope = (k: Kind) =>
    small && large && large.kb > small.kb
      ? ((large.cpuMs[k] - small.cpuMs[k]) * 1000) / (large.kb - small.kb)
      : NaN;
  return { bodies, cpuUsPerKb: per(slope) };
}

/** Fixed-rate percentiles (medians over rounds) and what they add over direct's same round. */
function rateFigures(
  mine: Record<Kind, RateSample[]>,
  base: Record<Kind, RateSample[]>,
): { latency: Record<Kind, Latency>; added: Record<Kind, Latency> } {
  const fields = ["p50", "p99", "mean"] as const;
  const of = (f: (k: Kind, field: (typeof fields)[number]) => number) =>
    per((k) => Object.fromEntries(fields.map((x) => [x, f(k, x)])) as Latency);
  return {
    latency: of((k, x) => median(mine[k].map((s) => s[x]))),
    added: of((k, x) => medianDiff(mine[k], base[k], (s) => s[x])),
  };
}

/** Messages and tools of each measured body, for the report. */
export const shapeOf = (kb: BodyKb) => BODY_SHAPES[kb];

export function summarize(r: TargetRecord, direct: TargetRecord): Summary {
  const errors =
    KINDS.reduce(
      (n, k) =>
        n +
        r.saturation[k].reduce((a, s) => a + s.errors, 0) +
        r.rate[k].reduce((a, s) => a + s.errors, 0) +
        BODY_KBS.reduce(
          (a, kb) =>
            a +
            r.bodies[kb][k].reduce((b, s) => b + s.errors, 0) +
            r.rateBodies[kb][k].reduce((b, s) => b + s.errors, 0),
          0,
        ),
      0,
    ) + r.ttft.reduce((a, s) => a + s.errors, 0);
  return {
    id: r.id,
    label: r.label,
    rps: per((k) => median(r.saturation[k].map((s) => s.rps))),
    cpuPer1k: per((k) => median(r.saturation[k].map((s) => s.cpuPer1k))),
    ...rateFigures(r.rate, direct.rate),
    rateBodies: BODY_KBS.filter((kb) => KINDS.some((k) => r.rateBodies[kb][k].length > 0)).map((kb) => ({
      kb,
      ...rateFigures(r.rateBodies[kb], direct.rateBodies[kb]),
    })),
    ttft: {
      p50: median(r.ttft.map((s) => s.p50)),
      p99: median(r.ttft.map((s) => s.p99)),
      overheadP50: medianDiff(r.ttft, direct.ttft, (s) => s.p50),
      overheadP99: medianDiff(r.ttft, direct.ttft, (s) => s.p99),
    },
    errors,
    startupMs: r.startupMs,
    peakRssMb: r.peakRssMb,
    rssAfterWarmupMb: r.rssAfterWarmupMb,
    soak: r.soak ? { ...r.soak, growthMb: r.soak.rssMb - r.rssAfterWarmupMb } : null,
    openStreams: r.openStreams,
    ...bodySummaries(r),
  };
}
