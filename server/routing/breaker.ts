export type BreakerState = "closed" | "open" | "half_open";
export type BreakerConfig = { enabled: boolean; failureThreshold: number; recoveryMs: number };

/**
 * Circuit breaker of one route. Closed: calls flow, consecutive failures are counted.
 * After `failureThreshold` of them it opens: the route is skipped (no latency spent on it)
 * until `recoveryMs` passed; then half-open: one trial call is let through, whose success
 * closes the breaker and whose failure opens it again.
 */
export class CircuitBreaker {
  state: BreakerState = "closed";
  failures = 0;
  lastFailureAt: number | null = null;
  openedAt = 0;
  private trialInFlight = false;
  /** Every state change, for /health/history and metrics. */
  onChange: (from: BreakerState, to: BreakerState) => void = () => {};

  constructor(private readonly cfg: BreakerConfig) {}

  /** Whether a call may go to this route now (reserves the half-open trial). */
  tryAcquire(now: number): boolean {
    if (!this.cfg.enabled || this.state === "closed") return true;
    if (this.state === "open") {
      if (now - this.openedAt < this.cfg.recoveryMs) return false;
      this.move("half_open");
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Whether the route looks usable, without reserving anything (for choosing and reporting). */
  available(now: number): boolean {
    if (!this.cfg.enabled || this.state === "closed") return true;
    if (this.state === "open") return now - this.openedAt >= this.cfg.recoveryMs;
    return !this.trialInFlight;
  }

  success(): void {
    this.trialInFlight = false;
    this.failures = 0;
    if (this.state !== "closed") this.move("closed");
  }

  failure(now: number): void {
    this.trialInFlight = false;
    this.failures++;
    this.lastFailureAt = now;
    if (
      this.state === "half_open" ||
      (this.state === "closed" && this.failures >= this.cfg.failureThreshold)
    ) {
      this.openedAt = now;
      this.move("open");
    }
  }

  /** A call that ended neither way (the client left): frees a half-open trial. */
  abandon(): void {
    this.trialInFlight = false;
  }

  private move(to: BreakerState) {
    const from = this.state;
    this.state = to;
    this.onChange(from, to);
  }
}
