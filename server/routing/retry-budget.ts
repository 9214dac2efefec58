/**
 * Retries against one route are capped at `ratio` of its recent calls plus
 * `minPerSecond`, over a sliding 10-second window: a dead provider cannot multiply the
 * load sent to it. Failing over to another route is not a retry and is not budgeted.
 */
export class RetryBudget {
  private readonly windowMs = 10_000;
  private readonly slots = 10;
  private calls = new Array<number>(10).fill(0);
  private retries = new Array<number>(10).fill(0);
  private slotStart = 0;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
  ) {}

  private roll(now: number) {
    const size = this.windowMs / this.slots;
    const current = Math.floor(now / size);
    if (this.slotStart === 0) this.slotStart = current;
    const steps = Math.min(this.slots, current - this.slotStart);
    for (let i = 1; i <= steps; i++) {
      const idx = (this.slotStart + i) % this.slots;
      this.calls[idx] = 0;
      this.retries[idx] = 0;
    }
    if (steps > 0) this.slotStart = current;
    return this.slotStart % this.slots;
  }

  recordCall(now: number): void {
    this.calls[this.roll(now)]!++;
  }

  /** Takes one retry from the budget if there is one. */
  tryRetry(now: number): boolean {
    const idx = this.roll(now);
    const calls = this.calls.reduce((a, b) => a + b, 0);
    const retries = this.retries.reduce((a, b) => a + b, 0);
    if (retries >= this.minPerSecond * (this.windowMs / 1000) + this.ratio * calls) return false;
    this.retries[idx]!++;
    return true;
  }
}
