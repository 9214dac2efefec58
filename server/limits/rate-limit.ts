import { GatewayError } from "../errors.ts";

export type RateDefaults = {
  keyRpm: number | null;
  keyRpd: number | null;
  accountRpm: number | null;
  /** Requests per clock hour across the whole deployment (the LLM Gateway reference's "global" limit). */
  globalRph?: number | null;
};
export type Subject = {
  id: string;
  accountId: string;
  rpmLimit: number | null;
  dailyRequestLimit: number | null;
};

type Window = { start: number; count: number };
export type Check = {
  name: string;
  id: string;
  limit: number;
  size: number;
  start: number;
  count: number;
  /** The refusal's words when not the window name's (an account plan's). */
  what?: string;
};

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type RateHeaders = Record<string, string>;

/** A limit beyond the key's windows (an account's plan): refused when `used` reached `limit`. */
export type LimitCheck = {
  limit: number;
  used: number;
  /** When the limit frees up (epoch ms): the window's end, or a guess for a gauge. */
  resetAt: number;
  /** The refusal's words after "Rate limit exceeded: <limit> " (they name the limit). */
  what: string;
};

/** More limits, decided with the key's own in one step (server/plans supplies them). */
export type ExtraLimits = {
  checks(s: Subject, now: number): LimitCheck[];
  /** The request was admitted; `requestId` when it will be logged (its row ends it). */
  admitted(s: Subject, now: number, requestId: string | undefined): void;
  sweep?(now: number): void;
};

const WHAT: Record<string, string> = {
  key_rpm: "requests per minute for this key",
  key_rpd: "requests per day for this key",
  account_rpm: "requests per minute for this account",
  global_rph: "requests per hour for this deployment (global limit)",
};

/** The deployment-wide window (memory only: server/cluster keeps per-account windows). */
const GLOBAL = "g:";

/**
 * Fixed-window counters in memory: per key per minute, per key per UTC day, per account
 * per minute, per deployment per hour, and the account's plan limits (`extra`). A request
 * is counted only when every window admits it. Windows are seeded from the request log at
 * start, so a restart does not hand out a fresh day.
 */
export class RateLimiter {
  private windows = new Map<string, Window>();
  events = { limited: 0 };
  /** Plan limits; none until a plan book is attached. */
  extra: ExtraLimits | null = null;

  constructor(private readonly defaults: RateDefaults) {}

  /** Counts the request or throws 429; returns the X-RateLimit-* headers to send. */
  admit(s: Subject, now: number, requestId?: string): RateHeaders {
    const specs = windowsOf(s, this.defaults);
    const global = this.defaults.globalRph ?? null;
    if (global !== null) specs.push({ name: "global_rph", id: GLOBAL, limit: global, size: HOUR });
    const checks: Check[] = specs.map((w) => {
      const start = Math.floor(now / w.size) * w.size;
      const seen = this.windows.get(w.id);
      return { ...w, start, count: seen && seen.start === start ? seen.count : 0 };
    });
    const refused = checks.find((c) => c.count >= c.limit);
    if (refused) {
      this.events.limited++;
      throw rateLimitError(refused, now);
    }
    const over = this.extra?.checks(s, now).find((c) => c.used >= c.limit);
    if (over) {
      this.events.limited++;
      throw limitError(over.limit, over.resetAt, over.what, now);
    }
    for (const c of checks) this.windows.set(c.id, { start: c.start, count: c.count + 1 });
    this.extra?.admitted(s, now, requestId);
    // Report the per-minute key limit when there is one (what clients pace by), else the first other.
    const shown = checks[0];
    return shown ? headersFor(shown, shown.limit - shown.count - 1) : {};
  }

  /** The key's requests-per-day limit (its own, else the default; null: none). */
  dayLimit(s: Subject): number | null {
    return s.dailyRequestLimit ?? this.defaults.keyRpd;
  }

  /** Requests the key made in the current UTC day (its day window; 0 when it has none). */
  dayCount(keyId: string, now: number): number {
    const w = this.windows.get(`d:${keyId}`);
    return w && w.start === Math.floor(now / DAY) * DAY ? w.count : 0;
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
    const hour = Math.floor(now / HOUR) * HOUR;
    const day = Math.floor(now / DAY) * DAY;
    const bump = (id: string, start: number) => {
      const w = this.windows.get(id);
      this.windows.set(id, { start, count: w && w.start === start ? w.count + 1 : 1 });
    };
    for (const r of rows) {
      if (r.createdAt >= day) bump(`d:${r.keyId}`, day);
      if (r.createdAt >= hour) bump(GLOBAL, hour);
      if (r.createdAt >= minute) {
        bump(`k:${r.keyId}`, minute);
        bump(`a:${r.accountId}`, minute);
      }
    }
  }

  /** Drops windows that ended (called now and then so deleted keys do not linger). */
  sweep(now: number): void {
    for (const [id, w] of this.windows)
      if (w.start + (id.startsWith("d:") ? DAY : id === GLOBAL ? HOUR : MINUTE) <= now)
        this.windows.delete(id);
    this.extra?.sweep?.(now);
  }
}

export type WindowSpec = {
  name: string;
  id: string;
  limit: number;
  size: number;
  what?: string;
  /**
   * How the shared limiter (server/cluster/rate-windows.ts) keeps it: counted per request
   * (default), only checked (a total added after the request, e.g. tokens), or slots held
   * by requests in flight for at most `size` ms (concurrency).
   */
  mode?: "count" | "check" | "slots";
};

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
  return limitError(
    refused.limit,
    refused.start + refused.size,
    refused.what ?? WHAT[refused.name] ?? WHAT.key_rpm!,
    now,
  );
}

/** The 429 of any limit: which one in its message, when it frees up in Retry-After and X-RateLimit-*. */
export function limitError(limit: number, resetAt: number, what: string, now: number): GatewayError {
  const headers: RateHeaders = {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": String(Math.ceil(resetAt / 1000)),
    "retry-after": String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
  };
  return new GatewayError(
    "rate_limit",
    `Rate limit exceeded: ${limit} ${what}. Try again in ${headers["retry-after"]} s.`,
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
