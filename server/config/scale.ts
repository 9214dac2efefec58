import { isPostgresUrl } from "../../db/engine.ts";

/**
 * Whether the declared deployment can keep the single-process promises (docs/scale-out.md).
 * Rate windows, reservations and idempotency claims live in each process unless Redis holds
 * them; with N replicas on one PostgreSQL and no Redis, a key would get N times its rate
 * limit and an account's balance could be reserved N times over. Such a deployment must
 * not start, and must say why.
 */
export type Deployment = { db: string; redis: string | undefined; replicas: number };

export const isRedisUrl = (value: string) => /^(redis|rediss|valkey|valkeys):\/\//i.test(value);

/** The reason this deployment must not start, or null when it may. */
export function scaleOutProblem(d: Deployment): string | null {
  if (d.redis !== undefined && !isRedisUrl(d.redis))
    return "TOLLGATE_REDIS must be a redis:// or rediss:// URL.";
  if (d.replicas <= 1) return null;
  if (!isPostgresUrl(d.db))
    return `TOLLGATE_REPLICAS=${d.replicas} needs a shared database: SQLite is one process's file. Set TOLLGATE_DB=postgres://… (docs/scale-out.md), or run one replica.`;
  if (d.redis === undefined)
    return `TOLLGATE_REPLICAS=${d.replicas} on PostgreSQL needs TOLLGATE_REDIS=redis://…: without it rate limits, balance reservations and idempotency claims would be kept per replica, so ${d.replicas} replicas would let a key through ${d.replicas} times its rate limit and could spend an account's balance more than once. Set TOLLGATE_REDIS, or run one replica.`;
  return null;
}
