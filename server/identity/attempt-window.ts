import { GatewayError } from "../errors.ts";

/** Buckets kept before stale ones are swept (at most once a minute). */
const SWEEP_ABOVE = 10_000;

/**
 * A sliding window of attempts per bucket (an e-mail address, a client address): at most
 * `max` in any `windowMs`. Used for e-mail codes, whose every send and every wrong guess
 * counts, right or wrong, so that guessing or mail-bombing costs time whatever it tries.
 */
export class AttemptWindow {
  private times = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    /** What is counted, for the 429's message ("codes for this address"). */
    private readonly what: string,
  ) {}

  /** Milliseconds until `bucket` may try again (0: now). */
  wait(bucket: string, now: number): number {
    const recent = this.recent(bucket, now);
    return recent.length >= this.max ? recent[0]! + this.windowMs - now : 0;
  }

  /** Throws 429 with Retry-After when the bucket is full. */
  check(bucket: string, now: number): void {
    const wait = this.wait(bucket, now);
    if (wait > 0) throw tooMany(this.what, wait);
  }

  count(bucket: string, now: number): void {
    const recent = this.recent(bucket, now);
    recent.push(now);
    this.times.set(bucket, recent);
    if (this.times.size > SWEEP_ABOVE && now - this.lastSweep >= 60_000) this.sweep(now);
  }

  /** Takes back one attempt counted at `at` (counted up front, then not a failure after all). */
  release(bucket: string, at: number): void {
    const times = this.times.get(bucket);
    const i = times?.lastIndexOf(at) ?? -1;
    if (i >= 0) times!.splice(i, 1);
  }

  /** Checks, then counts. */
  take(bucket: string, now: number): void {
    this.check(bucket, now);
    this.count(bucket, now);
  }

  private recent(bucket: string, now: number): number[] {
    return (this.times.get(bucket) ?? []).filter((t) => t > now - this.windowMs);
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [bucket, times] of this.times)
      if (!times.some((t) => t > now - this.windowMs)) this.times.delete(bucket);
  }
}

export function tooMany(what: string, waitMs: number): GatewayError {
  const wait = Math.max(1, Math.ceil(waitMs / 1000));
  return new GatewayError("rate_limit", `Too many ${what}. Try again in ${wait} s.`, {
    code: "too_many_attempts",
    headers: { "retry-after": String(wait) },
  });
}
