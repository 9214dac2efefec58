import type { RedisClient } from "bun";
import type { Store } from "../../db/store.ts";
import { ClusterBook, type MirrorSource } from "../billing/cluster-book.ts";
import { ClusterLimiter } from "../cluster/cluster-limiter.ts";
import { ClusterHolds } from "../cluster/holds.ts";
import { ClusterIdempotency } from "../cluster/idempotency-claims.ts";
import { ClusterInvalidation } from "../cluster/invalidation.ts";
import { SharedBreaker } from "../cluster/shared-breaker.ts";
import type { IdempotencyStore } from "../limits/idempotency.ts";
import type { ExtraLimits, RateDefaults } from "../limits/rate-limit.ts";
import type { PlanBook } from "../plans/plan-book.ts";
import { planWindows } from "../plans/plan-windows.ts";
import type { BreakerConfig } from "../routing/breaker.ts";

/** TOLLGATE_REDIS's connections (server/cluster/shared-redis.ts) and how many replicas share them. */
export type SharedState = {
  redis: RedisClient;
  subscriber: RedisClient;
  replicas: number;
  /**
   * When the books are on PostgreSQL (TOLLGATE_DB=postgres://…), where the Redis mirror of
   * balances loads from (server/cluster/pg-mirror.ts `pgMirror(pool)`): money holds are then
   * shared too (ClusterBook). Absent on SQLite: one process owns the file, and memory stays
   * the authority on its balances.
   */
  mirror?: MirrorSource;
};

/** A hold's lease (TOLLGATE_HOLD_LEASE_S, default 30 s): how long a dead replica's holds outlive it. */
export function holdLeaseMs(env: Record<string, string | undefined> = process.env): number {
  const s = Number(env.TOLLGATE_HOLD_LEASE_S ?? 30);
  return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : 30_000;
}

/**
 * The shared twins of the gateway's in-process services (docs/scale-out.md), built once
 * when TOLLGATE_REDIS is set: rate windows, idempotency claims, one breaker per route, and
 * the invalidation signal whose messages (and 1 s poll) reload this replica's caches.
 */
export function sharedState(s: SharedState, reload: () => void) {
  const invalidation = new ClusterInvalidation(s.redis, s.subscriber, () => reload());
  const breakers: SharedBreaker[] = [];
  let limiter: ClusterLimiter | null = null;
  let book: ClusterBook | null = null;
  return {
    invalidation,
    /** The account book whose holds Redis decides (PostgreSQL only); null: the in-process AccountBook. */
    book: (store: Store): ClusterBook | null => {
      if (!s.mirror) return null;
      book = new ClusterBook(store, new ClusterHolds(s.redis, holdLeaseMs()), s.mirror);
      return book;
    },
    breakers: (route: string, cfg: BreakerConfig) => {
      // A healthy route asks Redis at most once a second (shared-breaker.ts `freshMs`).
      const b = new SharedBreaker(s.redis, route, cfg, 1000);
      breakers.push(b);
      return b;
    },
    limiter: (defaults: RateDefaults, local: ExtraLimits, plans: Pick<PlanBook, "current">) => {
      // Account plans' limits are decided in Redis with the key's (plans/plan-windows.ts).
      const windows = (accountId: string, now: number) => {
        const plan = plans.current(accountId, now);
        return plan ? planWindows(plan, accountId) : [];
      };
      // With the holds in Redis, a priced call's windows are decided in its reservation's script.
      limiter = new ClusterLimiter(s.redis, defaults, s.replicas, local, windows, book !== null);
      return limiter;
    },
    // Completed responses are read from the books, where the charge wrote them.
    idempotency: (rows: IdempotencyStore) =>
      new ClusterIdempotency(s.redis, async (k, i) => rows.stored(k, i)),
    /** Calls answered without Redis: breakers on their local copy, free models admitted narrowly. */
    fallbacks: () => ({
      breaker: breakers.reduce((n, b) => n + b.fallbacks, 0),
      narrowAdmits: limiter?.events.narrow ?? 0,
      leaseLost: book?.leases.counts.leaseLost ?? 0,
    }),
    /** Subscribes (a Redis away now is caught up by the poll once it answers); renews the holds' leases. */
    start: () => {
      book?.start();
      return invalidation.start({ tolerant: true });
    },
    announce: () => void invalidation.publish().catch(() => {}),
    stop: () => {
      book?.stop();
      invalidation.stop();
    },
  };
}
