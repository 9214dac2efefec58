import { isIP } from "node:net";
import { GatewayError } from "../errors.ts";

export type SignInLimits = { maxFailures: number; windowMs: number };
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { maxFailures: 10, windowMs: 15 * 60_000 };

/** Addresses kept before stale ones are swept (at most once a minute). */
const SWEEP_ABOVE = 10_000;
const SWEEP_EVERY_MS = 60_000;

/** An attempt in progress: counted as failed unless it succeeds. */
export type Attempt = { succeeded(): void };

/**
 * Failed credential checks (sign-ins, wrong admin Bearer tokens) per client address in a
 * sliding window. Once an address has failed `maxFailures` times, every attempt from it
 * (right or wrong) gets 429 until the oldest failure leaves the window, so guessing costs
 * time whatever the guesses are.
 *
 * An attempt is counted when it starts, not when its (slow, argon2) check ends, and given
 * back if it succeeds: otherwise parallel guesses would all pass the check before the
 * first failure was recorded.
 */
export class SignInLimiter {
  private failures = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    /** What is counted, for the 429's message. */
    private readonly what = "sign-in attempts",
  ) {}

  /** Counts an attempt from `client`, or throws 429 with Retry-After when it must wait. */
  begin(client: string, now: number): Attempt {
    const bucket = bucketOf(client);
    const recent = this.recent(bucket, now);
    if (recent.length >= this.limits.maxFailures) {
      const wait = Math.max(1, Math.ceil((recent[0]! + this.limits.windowMs - now) / 1000));
      throw new GatewayError(
        "rate_limit",
        `Too many failed ${this.what} from your address. Try again in ${wait} s.`,
        { code: "sign_in_rate_limited", headers: { "retry-after": String(wait) } },
      );
    }
    recent.push(now);
    this.failures.set(bucket, recent);
    if (this.failures.size > SWEEP_ABOVE && now - this.lastSweep >= SWEEP_EVERY_MS) this.sweep(now);
    let open = true;
    return {
      succeeded: () => {
        if (!open) return;
        open = false;
        const times = this.failures.get(bucket);
        const i = times?.lastIndexOf(now) ?? -1;
        if (times && i !== -1) times.splice(i, 1);
      },
    };
  }

  private recent(bucket: string, now: number): number[] {
    return (this.failures.get(bucket) ?? []).filter((t) => t > now - this.limits.windowMs);
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [bucket, times] of this.failures) {
      if (!times.some((t) => t > now - this.limits.windowMs)) this.failures.delete(bucket);
    }
  }
}

/**
 * The bucket an address counts in: an IPv6 client usually holds a whole /64, so its
 * addresses share one bucket (else each guess could come from a fresh address).
 */
export function bucketOf(address: string): string {
  if (isIP(address) !== 6 || address.includes(".")) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const full = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${full
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
