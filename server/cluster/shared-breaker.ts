import type { RedisClient } from "bun";
import { type BreakerConfig, type BreakerState, CircuitBreaker } from "../routing/breaker.ts";
import { RedisScript } from "./redis-script.ts";

/**
 * The state machine of server/routing/breaker.ts run in Redis, one hash per route, so every
 * replica sees a route open after `failureThreshold` failures counted across all of them.
 * The half-open trial is a lease, not a flag: a replica that dies during its trial frees the
 * route after `recoveryMs` instead of leaving it half-open forever. Redis's clock decides.
 * ARGV: op (acquire|success|failure|abandon|peek), threshold, recoveryMs.
 * Returns {granted, state, failures, openedAt, lastFailureAt ('' when none)}.
 */
const STEP = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op, threshold, recovery = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'opened', 'trial', 'last')
local state, failures, opened, trial, last = h[1] or 'closed', tonumber(h[2] or '0'), tonumber(h[3] or '0'), tonumber(h[4] or '0'), h[5] or ''
local granted = 0
if op == 'acquire' then
  if state == 'closed' then granted = 1 else
    if state == 'open' and now - opened >= recovery then state = 'half_open'; trial = 0 end
    if state == 'half_open' and trial <= now then trial = now + recovery; granted = 1 end
  end
elseif op == 'success' then failures = 0; trial = 0; state = 'closed'
elseif op == 'failure' then
  trial = 0; failures = failures + 1; last = tostring(now)
  if state == 'half_open' or (state == 'closed' and failures >= threshold) then opened = now; state = 'open' end
elseif op == 'abandon' then trial = 0
end
if op ~= 'peek' then
  redis.call('HSET', KEYS[1], 'state', state, 'failures', failures, 'opened', opened, 'trial', trial, 'last', last)
  redis.call('PEXPIRE', KEYS[1], 86400000)
end
return {granted, state, failures, opened, last}
`);

type Op = "acquire" | "success" | "failure" | "abandon" | "peek";

/**
 * A route's breaker shared through Redis. The same calls as CircuitBreaker (async where
 * Redis is asked) and the same readable fields, mirrored from the last answer. Breakers fail
 * open to local state (docs/scale-out.md): when Redis cannot be reached each replica carries
 * on with its own breaker, which is what every replica did before sharing.
 */
export class SharedBreaker {
  /** The local copy: the last shared state seen, and the fallback while Redis is away. */
  readonly local: CircuitBreaker;
  /** Calls answered by the local breaker because Redis was unreachable. */
  fallbacks = 0;
  /** When Redis last answered for this route (performance.now()); -Infinity: never. */
  private refreshedAt = -Infinity;

  constructor(
    private readonly redis: RedisClient,
    private readonly route: string,
    private readonly cfg: BreakerConfig,
    /**
     * How long a closed, failure-free local copy is trusted without asking Redis. On a
     * healthy route asking changes nothing and answers "closed", so the steady state costs
     * no round trip per call; an opening by other replicas is seen within this long.
     */
    private readonly freshMs = 0,
  ) {
    this.local = new CircuitBreaker(cfg);
  }

  /** The local copy says closed with no failures, and Redis said so less than `freshMs` ago. */
  private quiet(): boolean {
    return (
      this.local.state === "closed" &&
      this.local.failures === 0 &&
      performance.now() - this.refreshedAt < this.freshMs
    );
  }

  get state(): BreakerState {
    return this.local.state;
  }
  get failures(): number {
    return this.local.failures;
  }
  get lastFailureAt(): number | null {
    return this.local.lastFailureAt;
  }
  set onChange(fn: (from: BreakerState, to: BreakerState) => void) {
    this.local.onChange = fn;
  }

  tryAcquire(now: number): boolean | Promise<boolean> {
    if (!this.cfg.enabled || this.quiet()) return true;
    return this.step("acquire", () => this.local.tryAcquire(now)).then((r) => r ?? false);
  }

  /** From the local copy of the shared state (no round trip: for choosing and reporting). */
  available(now: number): boolean {
    return this.local.available(now);
  }

  /** Nothing to tell on a quiet route: success would set what Redis already holds. */
  success(): void | Promise<void> {
    if (this.quiet()) return;
    return this.step("success", () => this.local.success()).then(() => {});
  }

  async failure(now: number): Promise<void> {
    await this.step("failure", () => this.local.failure(now));
  }

  async abandon(): Promise<void> {
    await this.step("abandon", () => this.local.abandon());
  }

  /** Reloads the local copy from Redis (what another replica did since). */
  async refresh(): Promise<void> {
    await this.step("peek", () => undefined);
  }

  private async step<T>(op: Op, fallback: () => T): Promise<boolean | T> {
    let r: [number, BreakerState, number, number, string];
    try {
      r = (await STEP.run(
        this.redis,
        [`tg:breaker:${this.route}`],
        [op, this.cfg.failureThreshold, this.cfg.recoveryMs],
      )) as typeof r;
    } catch {
      this.fallbacks++;
      return fallback();
    }
    this.refreshedAt = performance.now();
    const [granted, state, failures, openedAt, last] = r;
    const local = this.local;
    local.failures = Number(failures);
    local.openedAt = Number(openedAt);
    local.lastFailureAt = last === "" ? null : Number(last);
    if (local.state !== state) {
      const from = local.state;
      local.state = state;
      local.onChange(from, state);
    }
    return Number(granted) === 1;
  }
}
