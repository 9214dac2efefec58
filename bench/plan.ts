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
  ttftStreams: number;
  openStreams: number;
  openStreamsTimeoutMs: number;
  /** Pause before reading memory with the streams open, and again after they closed. */
  openStreamsSettleMs: [number, number];
  /** Requests every target must have served before its "RSS after" reading (0: skip). */
  soakRequests: number;
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
  ttftStreams: 200,
  openStreams: 1000,
  openStreamsTimeoutMs: 20_000,
  openStreamsSettleMs: [500, 2000],
  soakRequests: 100_000,
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
  ttftStreams: 5,
  openStreams: 20,
  openStreamsTimeoutMs: 5_000,
  openStreamsSettleMs: [100, 300],
  soakRequests: 0,
};

export function planFromArgs(args: string[]): Plan {
  const base = args.includes("--smoke") ? SMOKE : FULL;
  const rounds = args.find((a) => a.startsWith("--rounds="));
  return rounds ? { ...base, rounds: Math.max(1, Number(rounds.slice(9)) || base.rounds) } : base;
}
