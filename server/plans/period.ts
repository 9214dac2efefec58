/** Plan periods are UTC calendar months; daily limits reset at UTC midnight. */

export const DAY_MS = 86_400_000;

export function dayStart(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

export function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** "2026-12" for the month starting at `start`. */
export function monthName(start: number): string {
  return new Date(start).toISOString().slice(0, 7);
}
