/**
 * Reset periods of a key's spend limit (LiteLLM's `budget_duration`). Periods are UTC
 * calendar units, so every replica and every operator agrees on when one starts: a day at
 * 00:00 UTC, a week on Monday 00:00 UTC (ISO 8601), a month on its 1st at 00:00 UTC.
 */
export type BudgetPeriod = "daily" | "weekly" | "monthly";

export const BUDGET_PERIODS: readonly BudgetPeriod[] = ["daily", "weekly", "monthly"];

const DAY = 86_400_000;

/** The instant (ms) the period holding `now` began. */
export function periodStart(period: BudgetPeriod, now: number): number {
  const day = Math.floor(now / DAY) * DAY;
  if (period === "daily") return day;
  if (period === "weekly") {
    // 1970-01-01 was a Thursday: getUTCDay() 0 is Sunday, the ISO week starts on Monday.
    const weekday = (new Date(day).getUTCDay() + 6) % 7;
    return day - weekday * DAY;
  }
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The instant (ms) the next period begins: when the spend counted against the limit goes back to zero. */
export function nextPeriodStart(period: BudgetPeriod, now: number): number {
  const start = periodStart(period, now);
  if (period === "daily") return start + DAY;
  if (period === "weekly") return start + 7 * DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** What a key has spent against its limit: since its period began, or ever when it has no period. */
export function limitSpent(key: {
  budgetPeriod: BudgetPeriod | null;
  used: number;
  periodUsed: number;
}): number {
  return key.budgetPeriod === null ? key.used : key.periodUsed;
}
