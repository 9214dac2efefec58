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
 * The rate windows in Lua, shared by ADMIT (alone) and the hold's RESERVE (with a priced
 * call's reservation, server/cluster/scripts.ts). `windows_check` looks at every window
 * without counting; `windows_count` counts the request in all of them, run only once
 * everything in the script admitted, so a refused request is counted nowhere. Windows are
 * taken from Redis's clock (TIME), not the replicas', so their clocks cannot put one
 * request in two windows; each counter expires one second after its window. The windows
 * are KEYS[k0 + 1 ..] with ARGV[a0 + 1]: the request's id ('' for none), then for each its
 * limit, window size in ms and mode: 'c' counted, 't' only checked (a total added later:
 * tokens), 's' slots of requests in flight (a sorted set by lease expiry; `size` is the
 * lease). The verdict: {admitted 1|0, index of the refused (or first) window, its count
 * before, its start, now}, and when admitted every window's count before, in KEYS order.
 */
export const WINDOWS_LUA = `
local function windows_check(k0, a0, now)
  local keys, counts, starts = {}, {}, {}
  for i = 1, #KEYS - k0 do
    local a = a0 + 3 * i - 1
    local limit, size, mode = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2]
    if mode == 's' then
      keys[i], starts[i] = KEYS[k0 + i], now
      redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', now)
      counts[i] = redis.call('ZCARD', keys[i])
    else
      starts[i] = now - (now % size)
      keys[i] = KEYS[k0 + i] .. ':' .. starts[i]
      counts[i] = tonumber(redis.call('GET', keys[i]) or '0')
    end
    if counts[i] >= limit then return {0, i, counts[i], starts[i], now}, keys end
  end
  return {1, 1, counts[1] or 0, starts[1] or 0, now, unpack(counts)}, keys
end
local function windows_count(k0, a0, now, keys)
  local rid = ARGV[a0 + 1]
  for i = 1, #KEYS - k0 do
    local a = a0 + 3 * i - 1
    local size, mode = tonumber(ARGV[a + 1]), ARGV[a + 2]
    if mode == 'c' then
      if redis.call('INCR', keys[i]) == 1 then redis.call('PEXPIRE', keys[i], size + 1000) end
    elseif mode == 's' and rid ~= '' then
      redis.call('ZADD', keys[i], now + size, rid)
      redis.call('PEXPIRE', keys[i], size + 1000)
    end
  end
end
`;

/**
 * Checks every window and, only when all admit, counts the request in all of them: one
 * atomic step in Redis's single thread, so concurrent replicas can never both take the last
 * slot. KEYS: the windows; ARGV: as WINDOWS_LUA's from ARGV[1]. Returns the verdict.
 */
const ADMIT = new RedisScript(`${WINDOWS_LUA}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local verdict, keys = windows_check(0, 0, now)
if verdict[1] == 1 then windows_count(0, 0, now, keys) end
return verdict
`);

/** A subject's windows as Redis keys and the scripts' arguments (WINDOWS_LUA), with what they stand for. */
export type WindowPlan = { windows: WindowSpec[]; keys: string[]; args: (string | number)[] };

/** What the windows' verdict says: admitted with each window's count after it, or refused by one. */
export type WindowVerdict =
  | { admitted: true; headers: RateHeaders; counted: Check[]; now: number }
  | { admitted: false; refused: Check; now: number };

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
return {tonumber(redis.call('GET', KEYS[1] .. ':' .. start) or '0'), start, now}
`);

/**
 * Reads windows' counts now without counting (a read route's figures): for each of KEYS
 * with ARGV its window size in ms and mode (as WINDOWS_LUA's), the fixed window's count,
 * or a slots window's live slots. All of one account's keys: one hash slot.
 */
const COUNTS = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #KEYS do
  local size, mode = tonumber(ARGV[2 * i - 1]), ARGV[2 * i]
  if mode == 's' then
    out[i] = redis.call('ZCOUNT', KEYS[i], '(' .. now, '+inf')
  else
    out[i] = tonumber(redis.call('GET', KEYS[i] .. ':' .. (now - (now % size))) or '0')
  end
end
return out
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
   * The windows a request is decided against: the key's, the account's and the
   * deployment's, then `more` (an account plan's); `requestId` names the request's
   * concurrency slot.
   */
  plan(s: Subject, more: WindowSpec[] = [], requestId = ""): WindowPlan {
    const windows = [...this.windowsOf(s), ...more];
    return {
      windows,
      keys: windows.map((w) => this.key(s, w.id)),
      args: [requestId, ...windows.flatMap((w) => [w.limit, w.size, MODE[w.mode ?? "count"]])],
    };
  }

  /** Reads a script's verdict on `plan`'s windows (ADMIT's, or RESERVE's with a hold). */
  verdict(plan: { windows: WindowSpec[] }, reply: unknown): WindowVerdict {
    const r = (reply as unknown[]).map(Number);
    const [admitted, index, count, start, now] = r as [number, number, number, number, number];
    const w = plan.windows[index - 1] as WindowSpec;
    // A slot frees when a request ends: no clock says when, so one second (as in process).
    const check: Check =
      w.mode === "slots" ? { ...w, start: now, size: 1000, count } : { ...w, start, count };
    if (admitted !== 1) {
      this.events.limited++;
      return { admitted: false, refused: check, now };
    }
    const counted = plan.windows.map((x, i) => ({
      ...x,
      start: now - (now % x.size),
      count: Number(r[5 + i]) + 1,
    }));
    return { admitted: true, headers: headersFor(check, check.limit - count - 1), counted, now };
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
  ): Promise<{ headers: RateHeaders; counted: Check[]; now: number }> {
    const plan = this.plan(s, more, requestId);
    if (plan.windows.length === 0) return { headers: {}, counted: [], now: 0 };
    const v = this.verdict(
      plan,
      await shared("Rate limits", () => ADMIT.run(this.redis, plan.keys, plan.args)),
    );
    if (!v.admitted) throw rateLimitError(v.refused, v.now);
    return v;
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

  /**
   * One account's windows' counts as Redis has them now, in `windows`' order, without
   * counting anything (`/auth/me`'s figures); a Redis that does not answer within
   * `deadlineMs` throws.
   */
  async counts(accountId: string, windows: WindowSpec[], deadlineMs: number): Promise<number[]> {
    if (windows.length === 0) return [];
    const keys = windows.map((w) => this.key({ accountId } as Subject, w.id));
    const args = windows.flatMap((w) => [w.size, MODE[w.mode ?? "count"]]);
    return ((await COUNTS.run(this.redis, keys, args, deadlineMs)) as unknown[]).map(Number);
  }

  /** The key's tightest window without counting (read-only routes). */
  async peek(s: Subject): Promise<RateHeaders> {
    return (await this.peekWindow(s))?.headers ?? {};
  }

  /** As `peek`, with the window's count and start and Redis's clock when it read them. */
  async peekWindow(
    s: Subject,
  ): Promise<{ headers: RateHeaders; count: number; start: number; now: number } | null> {
    const w = windowsOf(s, this.defaults).find((x) => x.name !== "account_rpm");
    if (!w) return null;
    const [count, start, now] = (
      (await shared("Rate limits", () => PEEK.run(this.redis, [this.key(s, w.id)], [w.size]))) as number[]
    ).map(Number) as [number, number, number];
    return { headers: headersFor({ ...w, start, count }, w.limit - count), count, start, now };
  }
}
