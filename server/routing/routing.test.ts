import { describe, expect, test } from "bun:test";
import { backoffMs, retryAfterMs } from "./backoff.ts";
import { CircuitBreaker } from "./breaker.ts";
import { RetryBudget } from "./retry-budget.ts";

describe("CircuitBreaker", () => {
  test("opens after the threshold, skips while open, lets one trial through when half-open", () => {
    const changes: string[] = [];
    const b = new CircuitBreaker({ enabled: true, failureThreshold: 3, recoveryMs: 1000 });
    b.onChange = (f, t) => changes.push(`${f}->${t}`);
    b.failure(0);
    b.failure(1);
    expect(b.state).toBe("closed");
    b.failure(2);
    expect(b.state).toBe("open");
    expect(b.tryAcquire(500)).toBe(false);
    expect(b.tryAcquire(1002)).toBe(true);
    expect(b.state).toBe("half_open");
    expect(b.tryAcquire(1003)).toBe(false); // one trial at a time
    b.failure(1004);
    expect(b.state).toBe("open");
    expect(b.tryAcquire(2005)).toBe(true);
    b.success();
    expect(b.state).toBe("closed");
    expect(changes).toEqual([
      "closed->open",
      "open->half_open",
      "half_open->open",
      "open->half_open",
      "half_open->closed",
    ]);
  });

  test("a success resets the consecutive count; disabled breakers never open", () => {
    const b = new CircuitBreaker({ enabled: true, failureThreshold: 2, recoveryMs: 10 });
    b.failure(0);
    b.success();
    b.failure(1);
    expect(b.state).toBe("closed");
    const off = new CircuitBreaker({ enabled: false, failureThreshold: 1, recoveryMs: 10 });
    off.failure(0);
    expect(off.tryAcquire(0)).toBe(true);
  });
});

describe("RetryBudget", () => {
  test("allows min_per_second * 10 plus ratio of calls over 10 s", () => {
    const b = new RetryBudget(0.2, 1);
    for (let i = 0; i < 100; i++) b.recordCall(1000);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (b.tryRetry(1000)) allowed++;
    expect(allowed).toBe(30); // 10 + 0.2 * 100
    expect(b.tryRetry(12_000)).toBe(true); // the window moved on
  });
});

describe("backoff", () => {
  test("full jitter under an exponential, capped ceiling; Retry-After parsed", () => {
    expect(backoffMs(0, { baseMs: 100, maxMs: 2000 }, () => 1)).toBe(100);
    expect(backoffMs(3, { baseMs: 100, maxMs: 2000 }, () => 1)).toBe(800);
    expect(backoffMs(10, { baseMs: 100, maxMs: 2000 }, () => 0.5)).toBe(1000);
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(retryAfterMs("soon")).toBeNull();
  });
});
