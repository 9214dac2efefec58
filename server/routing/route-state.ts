import type { Target } from "../providers/provider.ts";
import { type BreakerConfig, type BreakerState, CircuitBreaker } from "./breaker.ts";
import { RetryBudget } from "./retry-budget.ts";

export type RouteHealth = "healthy" | "degraded" | "unhealthy" | "unknown";

export type HealthEvent = {
  name: string;
  status: string;
  message: string;
  timestamp: number;
  durationMs: number;
};

/**
 * A route's breaker: the in-process CircuitBreaker answers at once; the shared one of
 * server/cluster/shared-breaker.ts (TOLLGATE_REDIS) answers the state-changing calls with
 * promises. Callers await only what is a promise (attempts.ts), so one box waits on nothing.
 */
export type Breaker = Pick<
  CircuitBreaker,
  "state" | "failures" | "lastFailureAt" | "available" | "onChange"
> & {
  tryAcquire(now: number): boolean | Promise<boolean>;
  success(): void | Promise<void>;
  failure(now: number): void | Promise<void>;
  abandon(): void | Promise<void>;
};

export type BreakerFactory = (route: string, cfg: BreakerConfig) => Breaker;

const localBreaker: BreakerFactory = (_route, cfg) => new CircuitBreaker(cfg);

/** Everything the gateway knows about one route (a provider and an upstream model id). */
export class RouteState {
  readonly breaker: Breaker;
  readonly budget: RetryBudget;
  /** An upstream 429's Retry-After: the route is skipped until then. */
  coolUntil = 0;
  lastSuccessAt: number | null = null;
  lastFailureAt: number | null = null;
  lastError: string | null = null;
  successes = 0;
  failures = 0;
  /** Result of the last active probe of its provider, if probing is on. */
  probe: { ok: boolean; at: number; message: string } | null = null;

  constructor(
    readonly id: string,
    breakerCfg: BreakerConfig,
    budget: { ratio: number; minPerSecond: number },
    makeBreaker: BreakerFactory = localBreaker,
  ) {
    this.breaker = makeBreaker(id, breakerCfg);
    this.budget = new RetryBudget(budget.ratio, budget.minPerSecond);
  }

  usable(now: number): boolean {
    return now >= this.coolUntil && this.breaker.available(now);
  }

  health(now: number): RouteHealth {
    if (this.breaker.state === "open") return "unhealthy";
    if (this.probe && !this.probe.ok && (this.lastSuccessAt ?? 0) < this.probe.at) return "unhealthy";
    if (this.breaker.state === "half_open" || now < this.coolUntil || this.breaker.failures > 0)
      return "degraded";
    if (this.lastSuccessAt === null && this.probe === null) return "unknown";
    return "healthy";
  }
}

export const routeId = (t: { provider: { id: string }; model: string }) => `${t.provider.id}:${t.model}`;

/** Route states by id, created on first use; breaker transitions feed the health history. */
export class RouteStates {
  private readonly map = new Map<string, RouteState>();
  readonly history: HealthEvent[] = [];
  totalChecks = 0;
  onBreakerChange: (route: string, from: BreakerState, to: BreakerState) => void = () => {};

  constructor(
    readonly breakerCfg: BreakerConfig,
    readonly budgetCfg: { ratio: number; minPerSecond: number },
    /** Shared breakers when replicas share Redis; in-process ones by default. */
    private readonly makeBreaker: BreakerFactory = localBreaker,
  ) {}

  get(target: Target): RouteState {
    const id = routeId(target);
    let s = this.map.get(id);
    if (!s) {
      s = new RouteState(id, this.breakerCfg, this.budgetCfg, this.makeBreaker);
      s.breaker.onChange = (from, to) => {
        this.record({
          name: `route ${id}`,
          status: to === "closed" ? "healthy" : to === "open" ? "unhealthy" : "degraded",
          message: `circuit breaker ${from} -> ${to}`,
          timestamp: Date.now(),
          durationMs: 0,
        });
        this.onBreakerChange(id, from, to);
      };
      this.map.set(id, s);
    }
    return s;
  }

  all(): RouteState[] {
    return [...this.map.values()];
  }

  record(ev: HealthEvent): void {
    this.totalChecks++;
    this.history.push(ev);
    if (this.history.length > 200) this.history.splice(0, this.history.length - 200);
  }
}
