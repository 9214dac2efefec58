import type { RedisClient, SQL } from "bun";
import { serverStatus } from "../../db/pg/queries/status.ts";
import { withDeadline } from "../core/deadline.ts";
import type { Check } from "./checks.ts";

/**
 * Health of the shared stores of a scale-out deployment (docs/scale-out.md): PostgreSQL and
 * Redis, in the shape of the other components of /health/detailed (the LLM Gateway
 * reference's `database` and `redis`). Each probe is one round trip under a deadline, so a
 * server that hangs reads as down within `timeoutMs` instead of stalling the health route.
 * Not wired into /health and /ready yet (that needs the gateway on PostgreSQL).
 */
async function timedAsync(
  name: string,
  timeoutMs: number,
  fn: () => Promise<Omit<Check, "duration_ms">>,
): Promise<Check> {
  const t = performance.now();
  let r: Omit<Check, "duration_ms">;
  try {
    r = await withDeadline(fn(), timeoutMs);
  } catch (err) {
    r = {
      status: "unhealthy",
      message: `${name} check failed: ${String((err as Error).message ?? err).slice(0, 120)}`,
      details: { connected: false },
    };
  }
  return { ...r, duration_ms: Math.round((performance.now() - t) * 100) / 100 };
}

export function postgresCheck(
  sql: SQL,
  opts: { poolSize?: number; timeoutMs?: number } = {},
): Promise<Check> {
  return timedAsync("PostgreSQL", opts.timeoutMs ?? 2000, async () => {
    const row = await serverStatus(sql);
    // A standby answers but refuses writes: after a failover the URL must point at the primary.
    const standby = row.replica;
    return {
      status: standby ? "unhealthy" : "healthy",
      message: standby ? "PostgreSQL answers but is a read-only standby" : "Database connection successful",
      details: {
        engine: "postgres",
        connected: true,
        server_version: row.version,
        ...(opts.poolSize === undefined ? {} : { connection_pool_size: opts.poolSize }),
      },
    };
  });
}

export function redisCheck(redis: RedisClient, opts: { timeoutMs?: number } = {}): Promise<Check> {
  return timedAsync("Redis", opts.timeoutMs ?? 2000, async () => {
    const info = String(await redis.send("INFO", ["memory"]));
    const memory = /used_memory_human:(\S+)/.exec(info)?.[1] ?? null;
    return {
      status: "healthy",
      message: "Redis connection successful",
      details: { connected: true, memory_usage: memory },
    };
  });
}

/** The `rate_limit_storage` field of /health: where rate windows are counted. */
export const rateLimitStorage = (redis: unknown): "redis" | "memory" => (redis ? "redis" : "memory");
