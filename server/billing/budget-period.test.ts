import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { BUDGET_PERIODS, nextPeriodStart, periodStart } from "./budget-period.ts";

const at = (s: string) => Date.parse(s);

describe("budget periods are UTC calendar units", () => {
  test("a day starts at 00:00 UTC", () => {
    expect(periodStart("daily", at("2025-03-10T23:59:59.999Z"))).toBe(at("2025-03-10T00:00:00Z"));
    expect(periodStart("daily", at("2025-03-11T00:00:00.000Z"))).toBe(at("2025-03-11T00:00:00Z"));
    expect(nextPeriodStart("daily", at("2025-03-10T12:00:00Z"))).toBe(at("2025-03-11T00:00:00Z"));
  });

  test("a week starts on Monday 00:00 UTC (ISO 8601), also across a year's end", () => {
    // 2025-01-05 is a Sunday: its week began on Monday 2024-12-30.
    expect(periodStart("weekly", at("2025-01-05T23:59:59.999Z"))).toBe(at("2024-12-30T00:00:00Z"));
    expect(periodStart("weekly", at("2025-01-06T00:00:00.000Z"))).toBe(at("2025-01-06T00:00:00Z"));
    expect(nextPeriodStart("weekly", at("2025-01-01T08:00:00Z"))).toBe(at("2025-01-06T00:00:00Z"));
  });

  test("a month starts on its 1st at 00:00 UTC, leap February included", () => {
    expect(periodStart("monthly", at("2024-02-29T23:59:59.999Z"))).toBe(at("2024-02-01T00:00:00Z"));
    expect(nextPeriodStart("monthly", at("2024-02-29T23:59:59.999Z"))).toBe(at("2024-03-01T00:00:00Z"));
    expect(nextPeriodStart("monthly", at("2024-12-31T23:00:00Z"))).toBe(at("2025-01-01T00:00:00Z"));
  });

  test("property: start <= now < next, and a period's start is its own start", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BUDGET_PERIODS),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (period, now) => {
          const start = periodStart(period, now);
          const next = nextPeriodStart(period, now);
          expect(start).toBeLessThanOrEqual(now);
          expect(next).toBeGreaterThan(now);
          expect(periodStart(period, start)).toBe(start);
          expect(periodStart(period, next)).toBe(next);
          expect(periodStart(period, next - 1)).toBe(start);
        },
      ),
      { numRuns: Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300) },
    );
  });
});
