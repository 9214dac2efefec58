import { GatewayError } from "../errors.ts";

export type SignInLimits = { maxFailures: number; windowMs: number };
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { maxFailures: 10, windowMs: 15 * 60_000 };

/**
 * Failed sign-ins per client address in a sliding window. Once an address has failed
 * `maxFailures` times, every attempt from it (right or wrong) gets 429 until the oldest
 * failure leaves the window, so guessing costs time whatever the guesses are.
 */
export class SignInLimiter {
  private failures = new Map<string, number[]>();

  constructor(private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {}

  /** Throws 429 with Retry-After when `client` must wait. */
  check(client: string, now: number): void {
    const recent = this.recent(client, now);
    if (recent.length < this.limits.maxFailures) return;
    const wait = Math.max(1, Math.ceil((recent[0]! + this.limits.windowMs - now) / 1000));
    throw new GatewayError(
      "rate_limit",
      `Too many failed sign-in attempts from your address. Try again in ${wait} s.`,
      { code: "sign_in_rate_limited", headers: { "retry-after": String(wait) } },
    );
  }

  fail(client: string, now: number): void {
    const recent = this.recent(client, now);
    recent.push(now);
    this.failures.set(client, recent);
    if (this.failures.size > 10_000) this.sweep(now);
  }

  private recent(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((t) => t > now - this.limits.windowMs);
  }

  private sweep(now: number): void {
    for (const [client, times] of this.failures) {
      if (!times.some((t) => t > now - this.limits.windowMs)) this.failures.delete(client);
    }
  }
}
