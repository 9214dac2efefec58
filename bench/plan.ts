import { BODY_KBS, type BodyKb } from "./agent-body.ts";

/** How long and how hard each step runs, per mode. */
export type Plan = {
  mode: "full" | "smoke";
  rounds: number;
  warmupSeconds: number;
  /** wrk: seconds (whole) and connections of each saturation run. */
  saturationSeconds: number;
  connections: number;
  /** hey: the fixed rate, its workers, and either seconds or a request count. */
  rate: number;
  rateWorkers: number;
  rateSeconds: number | null;
  rateRequests: number | null;
  /**
   * The same fixed rate again with the agent-shaped bodies of these sizes (issue 16's latency
   * goals at 128 KB), JSON and streamed, in the same rounds as the small body.
   */
  rateBodyKbs: BodyKb[];
  ttftStreams: number;
  openStreams: number;
  openStreamsTimeoutMs: number;
  /** Pause before reading memory with the streams open, and again after they closed. */
  openStreamsSettleMs: [number, number];
  /** Requests every target must have served before its "RSS after" reading (0: skip). */
  soakRequests: number;
  /** The body-size matrix: agent-shaped bodies of these sizes (KB), JSON and streamed. */
  bodyKbs: BodyKb[];
  /**
   * Seconds of wrk per target, size and kind; 0 in smoke mode, where `bodyRequests`
   * requests are sent closed-loop with hey instead (wrk's shortest run is a second).
   */
  bodySeconds: number;
  bodyRequests: number;
  /** After the held streams closed, RSS is read again this long after (0: skip). */
  openStreamsLateMs: number;
  /** `--only=rate`: warm-up and the fixed-rate steps only (a quick look at added latency). */
  only: "rate" | null;
};

export const FULL: Plan = {
  mode: "full",
  rounds: 3,
  warmupSeconds: 2,
  saturationSeconds: 3,
  connections: 32,
  rate: 500,
  rateWorkers: 10,
  rateSeconds: 3,
  rateRequests: null,
  rateBodyKbs: [128],
  ttftStreams: 200,
  openStreams: 5000,
  openStreamsTimeoutMs: 60_000,
  openStreamsSettleMs: [1000, 2000],
  soakRequests: 100_000,
  bodyKbs: BODY_KBS,
  bodySeconds: 3,
  bodyRequests: 0,
  openStreamsLateMs: 60_000,
  only: null,
};

/** Every target answers and the pipeline produces its table; the figures mean little. */
export const SMOKE: Plan = {
  mode: "smoke",
  rounds: 1,
  warmupSeconds: 0,
  saturationSeconds: 1,
  connections: 8,
  rate: 100,
  rateWorkers: 2,
  rateSeconds: null,
  rateRequests: 20,
  rateBodyKbs: [128],
  ttftStreams: 5,
  openStreams: 20,
  openStreamsTimeoutMs: 5_000,
  openStreamsSettleMs: [100, 300],
  soakRequests: 0,
  bodyKbs: [1, 128],
  bodySeconds: 0,
  bodyRequests: 16,
  openStreamsLateMs: 0,
  only: null,
};

export function planFromArgs(args: string[]): Plan {
  const base = args.includes("--smoke") ? SMOKE : FULL;
  const rounds = args.find((a) => a.startsWith("--rounds="));
  const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  if (only !== undefined && only !== "rate") throw new Error(`--only=${only}: only --only=rate exists`);
  return {
    ...base,
    rounds: rounds ? Math.max(1, Number(rounds.slice(9)) || base.rounds) : base.rounds,
    only: only ?? null,
  };
}

/** The results' file name: `full`, `smoke`, or `full-rate` for a `--only=rate` run. */
export const runName = (p: Plan) => (p.only ? `${p.mode}-${p.only}` : p.mode);
