import type { GatewayError } from "../errors.ts";
import type { RateHeaders, RateLimiter, Subject } from "./rate-limit.ts";

/**
 * Admission could not be decided yet: the shared rate windows (Redis) were unreachable.
 * The call decides once it knows the model (docs/scale-out.md, "fail narrow"): a free
 * model is admitted by `admitFree` against this replica's share of each limit; anything
 * priced gets `refusal`, a retryable 503. Nothing was counted anywhere so far.
 */
export class DeferredAdmission {
  constructor(
    readonly admitFree: () => RateHeaders,
    readonly refusal: GatewayError,
  ) {}

  decide(free: boolean): RateHeaders {
    if (!free) throw this.refusal;
    return this.admitFree();
  }
}

/**
 * Rate windows to be decided later, with the call's reservation (replicas: one Redis script
 * admits the windows and reserves the money, docs/scale-out.md "Rate windows folded into the
 * reservation"). The shared limiter hands one out after its cheap early check (the counts
 * Redis last reported: a client already over a limit is refused before its body is read).
 * The call then either carries `windows` to its first reservation, which hands the script's
 * verdict to `decide` (headers into `headers`, or the 429), or, for a model that reserves
 * nothing priced, decides them `alone` (one script, or the narrow fallback while Redis is
 * away). A call that ends before either (a bad body, an unknown model, a refusal on this
 * replica's view of the balance, a replay) is counted afterwards by `late`, as it was counted
 * before its body was read. A reservation Redis refused for money counts nothing.
 */
export class PendingAdmission {
  /** A script carrying these windows ran (decided, refused, or Redis away): no late count. */
  tried = false;
  /** Decided: counted or refused; a later reservation (a fallback) carries nothing. */
  decided = false;
  /** Where the rate headers go once decided (the response's headers). */
  headers: Record<string, string> = {};

  constructor(
    /** The windows as the reservation script takes them (opaque here: server/cluster/ reads them). */
    readonly windows: { keys: string[]; args: (string | number)[] },
    /** The script's verdict on the windows: their headers, or throws the 429. */
    private readonly verdict: (reply: unknown) => RateHeaders,
    /** The windows decided on their own; `late`: for a call already ended (it takes no concurrency slot). */
    private readonly standalone: (late: boolean) => Promise<RateHeaders | DeferredAdmission>,
  ) {}

  /** Whether the next reservation should carry the windows. */
  get open(): boolean {
    return !this.decided;
  }

  /** A reservation script carrying the windows answered with this verdict (throws the 429). */
  decide(reply: unknown): void {
    this.decided = true;
    Object.assign(this.headers, this.verdict(reply));
  }

  /** The windows decided on their own, now (free models; nothing priced to reserve). */
  alone(): Promise<RateHeaders | DeferredAdmission> {
    this.tried = true;
    this.decided = true;
    return this.standalone(false);
  }

  /** The call ended before any script decided the windows: counted now, in the background. */
  late(): void {
    if (this.tried) return;
    this.tried = true;
    this.decided = true;
    void this.standalone(true).catch(() => {});
  }
}

/**
 * An account's figures in the current UTC day counted in Redis across replicas: its plan's
 * requests per day, tokens per day and requests in flight, the key's requests per day.
 * A figure is present only when a window counts it (the plan or the key sets that limit).
 */
export type SharedUsage = {
  requestsToday?: number;
  tokensToday?: number;
  concurrent?: number;
  keyToday?: number;
};

/**
 * The rate limiter as the request path uses it: the in-process RateLimiter answers at once
 * (no await on a one-box deployment); the shared one (server/cluster/cluster-limiter.ts)
 * answers with a promise, or a DeferredAdmission while Redis is away. `peek` and the day
 * figures are always synchronous (the shared one answers from what it last saw).
 */
export type Limiter = Pick<RateLimiter, "dayLimit" | "dayCount" | "peek" | "sweep"> & {
  admit(s: Subject, now: number, requestId?: string): RateHeaders | Promise<RateHeaders | DeferredAdmission>;
  /**
   * The shared limiter only: an early check on what Redis last reported (throws the 429),
   * the windows themselves left to the call's reservation (PendingAdmission).
   */
  admitLater?(s: Subject, now: number, requestId?: string): PendingAdmission;
  /**
   * The shared limiter only: an account's figures today as Redis counts them for the whole
   * deployment (a read route's, never the request path's), only those a window counts there;
   * null when Redis did not answer in time (the caller shows this replica's own).
   */
  sharedUsage?(accountId: string, key: Subject | null, now: number): Promise<SharedUsage | null>;
  /** A request's committed row (the shared limiter's plan tokens and slots; in process, PlanLimits sees it). */
  observe?(row: {
    id: string;
    accountId: string | null;
    createdAt: number;
    inputTokens: number;
    outputTokens: number;
  }): void;
};

/**
 * Admits a request that is never billed (count_tokens): while Redis is away it is treated
 * as a free model's, within this replica's share of the limits.
 */
export function admitUnbilled(limiter: Limiter, s: Subject, now: number): RateHeaders | Promise<RateHeaders> {
  const a = limiter.admit(s, now);
  if (!(a instanceof Promise)) return a;
  return a.then((r) => (r instanceof DeferredAdmission ? r.decide(true) : r));
}
