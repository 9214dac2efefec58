import { GatewayError } from "../errors.ts";

export type RateDefaults = { keyRpm: number | null; keyRpd: number | null; accountRpm: number | null };
export type Subject = {
  id: string;
  accountId: string;
  rpmLimit: number | null;
  dailyRequestLimit: number | null;
};

type Window = { start: number; count: number };
export type Check = { name: string; id: string; limit: number; size: number; start: number; count: number };

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export type RateHeaders = Record<string, string>;

/**
 * Fixed-window counters in memory: per key per minute, per key per UTC day, per account
 * per minute. A request is counted only when every window admits it. Windows are seeded
 * from the request log at start, so a restart does not hand out a fresh day.
 */
export class RateLimiter {
  private windows = new Map<string, Window>();
  events = { limited: 0 };

  constructor(private readonly defaults: RateDefaults) {}

  /** Counts the request or throws 429; returns the X-RateLimit-* headers to send. */
  admit(s: Subject, now: number): RateHeaders {
    const checks: Check[] = windowsOf(s, this.defaults).map((w) => {
      const start = Math.floor(now / w.size) * w.size;
      const seen = this.windows.get(w.id);
      return { ...w, start, count: seen && seen.start === start ? seen.count : 0 };
    });
    const refused = checks.find((c) => c.count >= c.limit);
    if (refused) {
      this.events.limited++;
      throw rateLimitError(refused, now);
    }
    for (const c of checks) this.windows.set(c.id, { start: c.start, count: c.count + 1 });
    // Report the per-minute key limit when there is one (what clients pace by), else the first other.
    const shown = checks[0];
    return shown ? headersFor(shown, shown.limit - shown.count - 1) : {};
  }

  /** The X-RateLimit-* headers of the key's tightest window, without counting a request (read-only routes). */
  peek(s: Subject, now: number): RateHeaders {
    const limit = s.rpmLimit ?? this.defaults.keyRpm;
    const daily = s.dailyRequestLimit ?? this.defaults.keyRpd;
    const [id, size, lim] =
      limit !== null
        ? [`k:${s.id}`, MINUTE, limit]
        : daily !== null
          ? [`d:${s.id}`, DAY, daily]
          : [null, 0, 0];
    if (id === null) return {};
    const start = Math.floor(now / size) * size;
    const w = this.windows.get(id);
    const count = w && w.start === start ? w.count : 0;
    return headersFor({ name: "", id, limit: lim, size, start, count }, lim - count);
  }

  /** Seeds counters from logged requests (start-up). */
  seed(rows: { keyId: string; accountId: string; createdAt: number }[], now: number): void {
    const minute = Math.floor(now / MINUTE) * MINUTE;
    const day = Math.floor(now / DAY) * DAY;
    const bump = (id: string, start: number) => {
      const w = this.windows.get(id);
      this.windows.set(id, { start, count: w && w.start === start ? w.count + 1 : 1 });
    };
    for (const r of rows) {
      if (r.createdAt >= day) bump(`d:${r.keyId}`, day);
      if (r.createdAt >= minute) {
        bump(`k:${r.keyId}`, minute);
        bump(`a:${r.accountId}`, minute);
      }
    }
  }

  /** Drops windows that ended (called now and then so deleted keys do not linger). */
  sweep(now: number): void {
    for (const [id, w] of this.windows)
      if (w.start + (id.startsWith("d:") ? DAY : MINUTE) <= now) this.windows.delete(id);
  }
}

export type WindowSpec = { name: string; id: string; limit: number; size: number };

/** The windows a request of `s` is counted in: per key per minute, per key per day, per account per minute. */
export function windowsOf(s: Subject, defaults: RateDefaults): WindowSpec[] {
  const all: (Omit<WindowSpec, "limit"> & { limit: number | null })[] = [
    { name: "key_rpm", id: `k:${s.id}`, limit: s.rpmLimit ?? defaults.keyRpm, size: MINUTE },
    { name: "key_rpd", id: `d:${s.id}`, limit: s.dailyRequestLimit ?? defaults.keyRpd, size: DAY },
    { name: "account_rpm", id: `a:${s.accountId}`, limit: defaults.accountRpm, size: MINUTE },
  ];
  return all.filter((w): w is WindowSpec => w.limit !== null);
}

/** The 429 of a refused window, with its Retry-After (shared with server/cluster/rate-windows.ts). */
export function rateLimitError(refused: Check, now: number): GatewayError {
  const reset = refused.start + refused.size;
  const headers = headersFor(refused, 0);
  headers["retry-after"] = String(Math.max(1, Math.ceil((reset - now) / 1000)));
  const what =
    refused.name === "key_rpd"
      ? "requests per day for this key"
      : refused.name === "account_rpm"
        ? "requests per minute for this account"
        : "requests per minute for this key";
  return new GatewayError(
    "rate_limit",
    `Rate limit exceeded: ${refused.limit} ${what}. Try again in ${headers["retry-after"]} s.`,
    { code: "rate_limit_exceeded", headers },
  );
}

export function headersFor(c: Check, remaining: number): RateHeaders {
  return {
    "x-ratelimit-limit": String(c.limit),
    "x-ratelimit-remaining": String(Math.max(0, remaining)),
    "x-ratelimit-reset": String(Math.ceil((c.start + c.size) / 1000)),
  };
}
