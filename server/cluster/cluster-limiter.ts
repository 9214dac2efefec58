import type { RedisClient } from "bun";
import { GatewayError } from "../errors.ts";
import { DeferredAdmission, type Limiter, PendingAdmission, type SharedUsage } from "../limits/admission.ts";
import {
  DAY,
  type ExtraLimits,
  headersFor,
  limitError,
  MINUTE,
  type RateDefaults,
  type RateHeaders,
  RateLimiter,
  rateLimitError,
  type Subject,
  type WindowSpec,
  windowsOf,
} from "../limits/rate-limit.ts";
import { ClusterRateLimiter } from "./rate-windows.ts";

/**
 * A window's count as Redis last reported it, its start moved to this replica's clock (Redis's
 * start plus how far this replica's clock was from Redis's when it heard): a replica whose
 * clock runs behind Redis's must not take a window Redis has already ended for the current one.
 */
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

/** How long `/auth/me` waits for Redis's figures before it shows this replica's own. */
const USAGE_DEADLINE_MS = 250;

/** The windows whose counts are an account's figures (plans/plan-windows.ts names them), by figure. */
const FIGURES: [keyof SharedUsage, string][] = [
  ["requestsToday", "plan_rpd"],
  ["tokensToday", "plan_tpd"],
  ["concurrent", "plan_concurrency"],
  ["keyToday", "key_rpd"],
];

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
  /** Set when the holds are in Redis (see `pending`); without it every call is admitted alone. */
  readonly admitLater?: (s: Subject, now: number, requestId?: string) => PendingAdmission;
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
    /** The holds are in Redis too (ClusterBook): a priced call's windows go with its reservation. */
    foldIntoHolds = false,
  ) {
    if (foldIntoHolds) this.admitLater = (s, now, requestId) => this.pending(s, now, requestId);
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
    this.checkExtra(s, now, more);
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
    this.counted(s, now, more, admitted.counted, requestId, admitted.now);
    return admitted.headers;
  }

  /**
   * Checks what can be checked without Redis and leaves the windows to the call's
   * reservation (PendingAdmission: one script admits the windows and reserves the money).
   * Refused here, before the body is read: an account plan's in-process limits, and any
   * counted window whose count as Redis last reported it to this replica (`seen`, this
   * window) is already at its limit; a fixed window's count only grows until it ends, so
   * Redis would refuse it too. A client over its limit is refused here from the request
   * after the one Redis refused, without its body being read.
   */
  private pending(s: Subject, now: number, requestId?: string): PendingAdmission {
    const more = this.plans?.(s.accountId, now) ?? null;
    this.checkExtra(s, now, more);
    const plan = this.windows.plan(s, more ?? [], requestId ?? "");
    for (const w of plan.windows) {
      if ((w.mode ?? "count") !== "count") continue;
      const seen = this.current(w.id, now);
      if (!seen || seen.count < w.limit) continue;
      this.events.limited++;
      throw rateLimitError({ ...w, start: seen.start, count: seen.count }, now);
    }
    const verdict = (reply: unknown): RateHeaders => {
      if (plan.windows.length === 0) return {};
      const v = this.windows.verdict(plan, reply);
      if (!v.admitted) {
        this.events.limited++;
        if ((plan.windows.find((w) => w.id === v.refused.id)?.mode ?? "count") === "count")
          this.seen.set(v.refused.id, {
            start: v.refused.start + (now - v.now),
            count: v.refused.count,
            size: v.refused.size,
          });
        throw rateLimitError(v.refused, v.now);
      }
      this.counted(s, now, more, v.counted, requestId, v.now);
      return v.headers;
    };
    // Counted late (the call already ended), a request takes no concurrency slot: its row is in.
    return new PendingAdmission({ keys: plan.keys, args: plan.args }, verdict, (late) =>
      this.admit(s, now, late ? undefined : requestId),
    );
  }

  /** An account plan's limits kept in process (no shared plan windows): checked without counting. */
  private checkExtra(s: Subject, now: number, more: WindowSpec[] | null): void {
    if (more !== null) return;
    const over = this.extra?.checks(s, now).find((c) => c.used >= c.limit);
    if (!over) return;
    this.events.limited++;
    throw limitError(over.limit, over.resetAt, over.what, now);
  }

  /** Redis counted the request: what it reported, the plan's slot, the in-process plan limits. */
  private counted(
    s: Subject,
    now: number,
    more: WindowSpec[] | null,
    counted: { id: string; start: number; count: number; size: number }[],
    requestId: string | undefined,
    /** Redis's clock when it counted (`now` is this replica's when it asked). */
    redisNow: number,
  ): void {
    for (const c of counted)
      this.seen.set(c.id, { start: c.start + (now - redisNow), count: c.count, size: c.size });
    const slot = more?.find((w) => w.mode === "slots");
    if (slot && requestId !== undefined)
      this.slots.set(requestId, { accountId: s.accountId, id: slot.id, at: now, lease: slot.size });
    this.extra?.admitted(s, now, requestId);
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

  /**
   * The account's figures that Redis counts (its plan's day and in-flight windows, the key's
   * day window), read in one script without counting: deployment-wide, where the request
   * path's `seen` is only what this replica last heard. Null when Redis does not answer
   * within USAGE_DEADLINE_MS.
   */
  async sharedUsage(accountId: string, key: Subject | null, now: number): Promise<SharedUsage | null> {
    const windows = [...(this.plans?.(accountId, now) ?? []), ...(key ? windowsOf(key, this.defaults) : [])];
    const wanted = FIGURES.flatMap(([figure, name]) => {
      const w = windows.find((x) => x.name === name);
      return w ? [{ figure, w }] : [];
    });
    try {
      const counts = await this.windows.counts(
        accountId,
        wanted.map((x) => x.w),
        USAGE_DEADLINE_MS,
      );
      return Object.fromEntries(wanted.map((x, i) => [x.figure, counts[i] ?? 0]));
    } catch {
      return null;
    }
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
    void this.windows.peekWindow(s).then(
      (p) => {
        if (p) this.seen.set(w.id, { start: p.start + (now - p.now), count: p.count, size: w.size });
      },
      () => {},
    );
    const seen = this.current(w.id, now);
    const count = seen?.count ?? 0;
    const start = seen?.start ?? Math.floor(now / w.size) * w.size;
    return headersFor({ name: "", id: w.id, limit: w.limit, size: w.size, start, count }, w.limit - count);
  }

  private count(id: string, now: number): number {
    return this.current(id, now)?.count ?? 0;
  }

  /** The window as last seen, if it is still running by this replica's clock. */
  private current(id: string, now: number): Seen | null {
    const w = this.seen.get(id);
    return w && w.start <= now && now < w.start + w.size ? w : null;
  }

  sweep(now: number): void {
    for (const [id, w] of this.seen) if (w.start + w.size <= now) this.seen.delete(id);
    for (const [id, slot] of this.slots) if (slot.at + slot.lease <= now) this.slots.delete(id);
    this.narrow.sweep(now);
  }
}
