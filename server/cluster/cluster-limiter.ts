import type { RedisClient } from "bun";
import { GatewayError } from "../errors.ts";
import { DeferredAdmission, type Limiter } from "../limits/admission.ts";
import {
  DAY,
  type ExtraLimits,
  headersFor,
  limitError,
  MINUTE,
  type RateDefaults,
  type RateHeaders,
  RateLimiter,
  type Subject,
  type WindowSpec,
} from "../limits/rate-limit.ts";
import { ClusterRateLimiter } from "./rate-windows.ts";

type Seen = { start: number; count: number; size: number };
/** What a committed request row tells the limiter (server/usage-log's LogRow has these). */
type Finished = {
  id: string;
  accountId: string | null;
  createdAt: number;
  inputTokens: number;
  outputTokens: number;
};
/** An account plan's windows now (server/plans/plan-windows.ts), or none. */
export type PlanWindows = (accountId: string, now: number) => WindowSpec[];

/** A limit's share for one of `replicas` replicas (floor: the shares never add up to more). */
const share = (limit: number | null | undefined, replicas: number) =>
  limit === null || limit === undefined ? null : Math.floor(limit / replicas);

/**
 * The request path's rate limiter when TOLLGATE_REDIS is set (docs/scale-out.md): the key's,
 * the account's and the deployment's windows are counted in Redis (rate-windows.ts: one
 * script, so a limit holds in total across replicas); an account plan's limits are checked
 * here first without counting, and counted only once Redis admitted the request, so a request
 * refused by either is counted by neither.
 *
 * Redis unreachable: the admission is deferred (DeferredAdmission) until the call knows its
 * model. A free model is admitted by a local limiter holding this replica's share of every
 * limit (limit / replicas, rounded down), so the replicas together stay within it; a priced
 * one gets a retryable 503. Those narrow admissions are counted in `events.narrow`.
 *
 * `peek` and the day figures are synchronous, from the counts Redis last told this replica
 * (each admit, and a background read on each peek): read-only routes never wait on Redis.
 */
export class ClusterLimiter implements Limiter {
  readonly events = { limited: 0, narrow: 0 };
  private readonly windows: ClusterRateLimiter;
  /** This replica's share of each limit, used only while Redis is away. */
  private readonly narrow: RateLimiter;
  private readonly seen = new Map<string, Seen>();
  /** Concurrency slots this replica took in Redis, by request id, until the request's row. */
  private readonly slots = new Map<string, { accountId: string; id: string; at: number; lease: number }>();

  constructor(
    redis: RedisClient,
    private readonly defaults: RateDefaults,
    private readonly replicas: number,
    /** The plans' limits kept in process: checked here only without `plans`; always told what was admitted. */
    private readonly extra: ExtraLimits | null,
    /** The plans' limits as shared windows: decided in Redis with the key's, in one step. */
    private readonly plans: PlanWindows | null = null,
  ) {
    this.windows = new ClusterRateLimiter(redis, defaults);
    this.narrow = new RateLimiter({
      keyRpm: share(defaults.keyRpm, replicas),
      keyRpd: share(defaults.keyRpd, replicas),
      accountRpm: share(defaults.accountRpm, replicas),
      globalRph: share(defaults.globalRph, replicas),
    });
    this.narrow.extra = extra;
  }

  async admit(s: Subject, now: number, requestId?: string): Promise<RateHeaders | DeferredAdmission> {
    const more = this.plans?.(s.accountId, now) ?? null;
    if (more === null) {
      const over = this.extra?.checks(s, now).find((c) => c.used >= c.limit);
      if (over) {
        this.events.limited++;
        throw limitError(over.limit, over.resetAt, over.what, now);
      }
    }
    let admitted: Awaited<ReturnType<ClusterRateLimiter["admitCounted"]>>;
    try {
      admitted = await this.windows.admitCounted(s, more ?? [], requestId ?? "");
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== "shared_state_unavailable") {
        if (err instanceof GatewayError && err.status === 429) this.events.limited++;
        throw err;
      }
      return new DeferredAdmission(() => {
        const headers = this.narrow.admit(this.narrowed(s), Date.now(), requestId);
        this.events.narrow++;
        return headers;
      }, err);
    }
    for (const c of admitted.counted) this.seen.set(c.id, { start: c.start, count: c.count, size: c.size });
    const slot = more?.find((w) => w.mode === "slots");
    if (slot && requestId !== undefined)
      this.slots.set(requestId, { accountId: s.accountId, id: slot.id, at: now, lease: slot.size });
    this.extra?.admitted(s, now, requestId);
    return admitted.headers;
  }

  /**
   * A request's committed row: its concurrency slot ends, and its tokens count for its
   * plan's day in Redis. Both in the background (a lost one: the slot's lease ends it; the
   * tokens are undercounted, never over).
   */
  observe(row: Finished): void {
    const slot = this.slots.get(row.id);
    if (slot) {
      this.slots.delete(row.id);
      void this.windows.freeSlot(slot.accountId, slot.id, row.id).catch(() => {});
    }
    const tokens = row.inputTokens + row.outputTokens;
    if (row.accountId === null || tokens === 0) return;
    const day = this.plans?.(row.accountId, row.createdAt).find((w) => w.mode === "check");
    if (day)
      void this.windows.addToDay(row.accountId, day.id, tokens, row.createdAt, day.size).catch(() => {});
  }

  private narrowed(s: Subject): Subject {
    return {
      ...s,
      rpmLimit: share(s.rpmLimit, this.replicas),
      dailyRequestLimit: share(s.dailyRequestLimit, this.replicas),
    };
  }

  dayLimit(s: Subject): number | null {
    return s.dailyRequestLimit ?? this.defaults.keyRpd;
  }

  dayCount(keyId: string, now: number): number {
    return this.count(`d:${keyId}`, now);
  }

  /** The key's tightest window as last seen; asks Redis in the background for the next answer. */
  peek(s: Subject, now: number): RateHeaders {
    const limit = s.rpmLimit ?? this.defaults.keyRpm;
    const daily = s.dailyRequestLimit ?? this.defaults.keyRpd;
    const w =
      limit !== null
        ? { id: `k:${s.id}`, size: MINUTE, limit }
        : daily !== null
          ? { id: `d:${s.id}`, size: DAY, limit: daily }
          : null;
    if (!w) return {};
    void this.windows.peek(s).then(
      (h) => {
        const reset = Number(h["x-ratelimit-reset"]) * 1000;
        const count = Number(h["x-ratelimit-limit"]) - Number(h["x-ratelimit-remaining"]);
        this.seen.set(w.id, { start: reset - w.size, count, size: w.size });
      },
      () => {},
    );
    const count = this.count(w.id, now);
    const start = Math.floor(now / w.size) * w.size;
    return headersFor({ name: "", id: w.id, limit: w.limit, size: w.size, start, count }, w.limit - count);
  }

  private count(id: string, now: number): number {
    const w = this.seen.get(id);
    return w && w.start === Math.floor(now / w.size) * w.size ? w.count : 0;
  }

  sweep(now: number): void {
    for (const [id, w] of this.seen) if (w.start + w.size <= now) this.seen.delete(id);
    for (const [id, slot] of this.slots) if (slot.at + slot.lease <= now) this.slots.delete(id);
    this.narrow.sweep(now);
  }
}
