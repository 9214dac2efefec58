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
 * The rate limiter as the request path uses it: the in-process RateLimiter answers at once
 * (no await on a one-box deployment); the shared one (server/cluster/cluster-limiter.ts)
 * answers with a promise, or a DeferredAdmission while Redis is away. `peek` and the day
 * figures are always synchronous (the shared one answers from what it last saw).
 */
export type Limiter = Pick<RateLimiter, "dayLimit" | "dayCount" | "peek" | "sweep"> & {
  admit(s: Subject, now: number, requestId?: string): RateHeaders | Promise<RateHeaders | DeferredAdmission>;
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
