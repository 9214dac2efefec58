import type { RedisClient } from "bun";
import {
  type Check,
  HOUR,
  headersFor,
  type RateDefaults,
  type RateHeaders,
  rateLimitError,
  type Subject,
  type WindowSpec,
  windowsOf,
} from "../limits/rate-limit.ts";
import { RedisScript } from "./redis-script.ts";
import { shared } from "./unreachable.ts";

/**
 * Checks every window and, only when all admit, counts the request in all of them: one
 * atomic step in Redis's single thread, so concurrent replicas can never both take the last
 * slot. The window is taken from Redis's clock (TIME), not the replicas', so their clocks
 * cannot put one request in two windows. Each counter expires one second after its window.
 * ARGV[1]: the request's id ('' for none); then for each KEY its limit, window size in ms
 * and mode: 'c' counted, 't' only checked (a total added later: tokens), 's' slots of
 * requests in flight (a sorted set by lease expiry; `size` is the lease). Returns
 * {admitted 1|0, index of the refused (or first) window, its count before, its start, now},
 * and when admitted every window's count before, in KEYS order.
 */
const ADMIT = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rid = ARGV[1]
local keys, counts, starts = {}, {}, {}
for i = 1, #KEYS do
  local limit, size, mode = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), ARGV[3 * i + 1]
  if mode == 's' then
    keys[i], starts[i] = KEYS[i], now
    redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', now)
    counts[i] = redis.call('ZCARD', keys[i])
  else
    starts[i] = now - (now % size)
    keys[i] = KEYS[i] .. ':' .. starts[i]
    counts[i] = tonumber(redis.call('GET', keys[i]) or '0')
  end
  if counts[i] >= limit then return {0, i, counts[i], starts[i], now} end
end
for i = 1, #KEYS do
  local size, mode = tonumber(ARGV[3 * i]), ARGV[3 * i + 1]
  if mode == 'c' then
    if redis.call('INCR', keys[i]) == 1 then redis.call('PEXPIRE', keys[i], size + 1000) end
  elseif mode == 's' and rid ~= '' then
    redis.call('ZADD', keys[i], now + size, rid)
    redis.call('PEXPIRE', keys[i], size + 1000)
  end
end
return {1, 1, counts[1] or 0, starts[1] or 0, now, unpack(counts)}
`);

const MODE = { count: "c", check: "t", slots: "s" } as const;

/** INCRBY with the window's expiry (set once, when the counter is made). */
const ADD = new RedisScript(
  `if redis.call('INCRBY', KEYS[1], ARGV[1]) == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 1`,
);

/** The id of the deployment-wide window (the in-process limiter's is "g:"). */
const GLOBAL_ID = "g:";

const PEEK = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = now - (now % tonumber(ARGV[1]))
return {tonumber(redis.call('GET', KEYS[1] .. ':' .. start) or '0'), start}
`);

/**
 * The rate windows of server/limits/rate-limit.ts kept in Redis, so a limit holds in total
 * across replicas (docs/scale-out.md). Same admit/peek contract and the same 429, but async
 * (one Redis round trip) and on Redis's clock, so `now` is not taken. A Redis that cannot be
 * reached gives a retryable 503 (the design's fail-narrow fallback is the caller's choice).
 * `seed` and `sweep` have nothing to do: the counters outlive a replica and expire by themselves.
 */
export class ClusterRateLimiter {
  events = { limited: 0 };

  constructor(
    private readonly redis: RedisClient,
    private readonly defaults: RateDefaults,
  ) {}

  /**
   * Redis keys of a subject's windows; every key carries the account as hash tag (one slot),
   * except the deployment's global window, which has its own (a single Redis or Valkey runs
   * the script either way; a Redis Cluster would refuse the cross-slot script).
   */
  private key(s: Subject, id: string): string {
    return id === GLOBAL_ID ? "tg:{global}:rl:g" : `tg:{${s.accountId}}:rl:${id}`;
  }

  /** The key's, the account's and the deployment's windows, in the in-process limiter's order. */
  private windowsOf(s: Subject): WindowSpec[] {
    const windows = windowsOf(s, this.defaults);
    const global = this.defaults.globalRph ?? null;
    if (global !== null) windows.push({ name: "global_rph", id: GLOBAL_ID, limit: global, size: HOUR });
    return windows;
  }

  async admit(s: Subject): Promise<RateHeaders> {
    return (await this.admitCounted(s)).headers;
  }

  /**
   * Admits (or throws 429 / 503) and says each window's count after this request, as Redis
   * saw it. `more`: windows beyond the key's, the account's and the deployment's (an account
   * plan's), decided in the same step; `requestId` names the request's concurrency slot.
   */
  async admitCounted(
    s: Subject,
    more: WindowSpec[] = [],
    requestId = "",
  ): Promise<{ headers: RateHeaders; counted: Check[] }> {
    const windows = [...this.windowsOf(s), ...more];
    if (windows.length === 0) return { headers: {}, counted: [] };
    const r = (await shared("Rate limits", () =>
      ADMIT.run(
        this.redis,
        windows.map((w) => this.key(s, w.id)),
        [requestId, ...windows.flatMap((w) => [w.limit, w.size, MODE[w.mode ?? "count"]])],
      ),
    )) as number[];
    const [admitted, index, count, start, now] = r.map(Number) as [number, number, number, number, number];
    const w = windows[index - 1] as (typeof windows)[number];
    // A slot frees when a request ends: no clock says when, so one second (as in process).
    const check: Check =
      w.mode === "slots" ? { ...w, start: now, size: 1000, count } : { ...w, start, count };
    if (admitted !== 1) {
      this.events.limited++;
      throw rateLimitError(check, now);
    }
    const counted = windows.map((x, i) => ({
      ...x,
      start: now - (now % x.size),
      count: Number(r[5 + i]) + 1,
    }));
    return { headers: headersFor(check, check.limit - count - 1), counted };
  }

  /** Adds a finished request's tokens to a check-only day window (an account plan's tokens per day). */
  async addToDay(accountId: string, id: string, amount: number, at: number, size: number): Promise<void> {
    const key = `${this.key({ accountId } as Subject, id)}:${at - (at % size)}`;
    await ADD.run(this.redis, [key], [amount, size + 1000]);
  }

  /** Frees a request's concurrency slot (its lease would free it anyway). */
  async freeSlot(accountId: string, id: string, requestId: string): Promise<void> {
    await this.redis.send("ZREM", [this.key({ accountId } as Subject, id), requestId]);
  }

  /** The key's tightest window without counting (read-only routes). */
  async peek(s: Subject): Promise<RateHeaders> {
    const w = windowsOf(s, this.defaults).find((x) => x.name !== "account_rpm");
    if (!w) return {};
    const [count, start] = (
      (await shared("Rate limits", () => PEEK.run(this.redis, [this.key(s, w.id)], [w.size]))) as number[]
    ).map(Number) as [number, number];
    return headersFor({ ...w, start, count }, w.limit - count);
  }
}
