/**
 * Exponential backoff with full jitter (AWS architecture blog's "full jitter"): a random
 * delay up to base * 2^attempt, capped. An upstream's Retry-After is honoured as a floor.
 */
export function backoffMs(
  attempt: number,
  cfg: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(cfg.maxMs, cfg.baseMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Retry-After in ms from seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
