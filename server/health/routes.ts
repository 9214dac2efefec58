import { Elysia } from "elysia";
import { GatewayError } from "../errors.ts";
import { sha256, tokenMatchesHash } from "../secrets/tokens.ts";
import { type Check, databaseCheck, type HealthState, servicesCheck, systemCheck } from "./checks.ts";
import { monitoringStatus } from "./monitoring.ts";
import { rateLimitStorage } from "./store-checks.ts";
import { type StoreProbe, StoreProbes } from "./store-probes.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function record(gw: HealthState, name: string, c: Check) {
  gw.routes.record({
    name,
    status: c.status,
    message: c.message,
    timestamp: Date.now(),
    durationMs: c.duration_ms,
  });
}

/**
 * Folds the shared stores into a report's status: PostgreSQL holds the books, so without it
 * the gateway is as down as without its database (503); without Redis it still serves what
 * needs no shared state (free models within a narrow per-replica limit), so /health says
 * degraded and stays 200 (a liveness probe must not restart every replica for a Redis
 * outage), while /ready takes the replica out of the balancer.
 */
function withStores(
  status: "healthy" | "degraded" | "unhealthy",
  stores: Record<string, Check>,
): "healthy" | "degraded" | "unhealthy" {
  if (status === "unhealthy" || stores.postgres?.status === "unhealthy") return "unhealthy";
  if (Object.values(stores).some((c) => c.status !== "healthy")) return "degraded";
  return status;
}

const statusOf = (stores: Record<string, Check>) =>
  Object.fromEntries(Object.entries(stores).map(([name, c]) => [name, c.status]));

const refused = () =>
  new GatewayError(
    "authentication",
    "This endpoint needs the observability token: send Authorization: Bearer <TOLLGATE_OBSERVABILITY_TOKEN>.",
    { code: "invalid_observability_token" },
  );

function requireBearer(request: Request, token: string): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!m?.[1] || !tokenMatchesHash(m[1], sha256(token))) throw refused();
}

/**
 * The /health family, /ready and /metrics, in the shapes of the LLM Gateway reference.
 * /health and /ready stay open (load balancers, orchestrators); with `token` set, /metrics
 * and the detailed reports need it as a Bearer token.
 */
export const healthRoutes = (
  gw: HealthState,
  opts: {
    dbPath: string;
    connections: () => number;
    token: string | null;
    /** The shared stores of a scale-out deployment (none on one box: nothing extra runs). */
    stores?: readonly StoreProbe[];
  },
) => {
  const stores = new StoreProbes(opts.stores ?? [], gw.metrics.registry);
  const probe = async () => (stores.any ? await stores.run() : {});
  return (
    new Elysia({ name: "health" })
      .get(
        "/health",
        async ({ set }) => {
          const db = databaseCheck(gw);
          const llm = servicesCheck(gw);
          const shared = await probe();
          const own =
            db.status === "unhealthy" ? "unhealthy" : llm.status === "healthy" ? "healthy" : "degraded";
          const status = withStores(own, shared);
          if (status === "unhealthy") set.status = 503;
          return {
            status,
            timestamp: new Date().toISOString(),
            version: gw.settings.version,
            environment: "production",
            components: { database: db.status, ...statusOf(shared), llm_services: llm.status },
            rate_limit_storage: rateLimitStorage(stores.has("redis") || null),
            retry_enabled: gw.settings.routing.maxAttempts > 1,
            circuit_breaker_enabled: gw.settings.breaker.enabled,
          };
        },
        { detail: { summary: "Liveness and component status", tags: ["Health"] } },
      )
      .get(
        "/ready",
        async ({ set }) => {
          const db = databaseCheck(gw).status !== "unhealthy";
          const llm = servicesCheck(gw).status !== "unhealthy";
          const shared = Object.fromEntries(
            Object.entries(await probe()).map(([name, c]) => [name, c.status !== "unhealthy"]),
          );
          const ready = db && Object.values(shared).every(Boolean);
          if (!ready) set.status = 503;
          return {
            ready,
            timestamp: new Date().toISOString(),
            checks: { database: db, ...shared, llm_services: llm },
          };
        },
        { detail: { summary: "Readiness probe", tags: ["Health"] } },
      )
      // Everything below names providers, routes and models: behind the token when one is set.
      .onBeforeHandle(({ request }) => {
        if (opts.token !== null) requireBearer(request, opts.token);
      })
      .get(
        "/health/detailed",
        async ({ set }) => {
          const database = databaseCheck(gw);
          const llm = servicesCheck(gw);
          const shared = await probe();
          record(gw, "database", database);
          for (const [name, c] of Object.entries(shared)) record(gw, name, c);
          record(gw, "llm_services", llm);
          const status = withStores(database.status === "unhealthy" ? "unhealthy" : llm.status, shared);
          if (status === "unhealthy") set.status = 503;
          return {
            status,
            timestamp: new Date().toISOString(),
            components: { database, ...shared, llm_services: llm },
          };
        },
        {
          detail: {
            summary: "Every component with details: the database and each provider route",
            tags: ["Health"],
          },
        },
      )
      .get(
        "/health/circuit-breakers",
        () => {
          const b = gw.settings.breaker;
          const breakers: Record<string, unknown> = {};
          for (const r of gw.routes.all()) {
            breakers[r.id] = {
              state: r.breaker.state,
              failure_count: r.breaker.failures,
              last_failure_time: iso(r.breaker.lastFailureAt),
              failure_threshold: b.failureThreshold,
              recovery_timeout: b.recoveryMs / 1000,
              cooling_until: r.coolUntil > Date.now() ? iso(r.coolUntil) : null,
            };
          }
          const rt = gw.settings.routing;
          return {
            circuit_breakers: breakers,
            retry_config: {
              enabled: rt.maxAttempts > 1,
              max_attempts: rt.maxAttempts,
              base_delay: rt.backoff.baseMs / 1000,
              max_delay: rt.backoff.maxMs / 1000,
              exponential_base: 2,
              jitter: true,
              budget_ratio: gw.settings.retryBudget.ratio,
              budget_min_per_second: gw.settings.retryBudget.minPerSecond,
            },
            circuit_breaker_config: {
              enabled: b.enabled,
              failure_threshold: b.failureThreshold,
              recovery_timeout: b.recoveryMs / 1000,
            },
          };
        },
        {
          detail: {
            summary: "Circuit breaker of every route that has seen traffic, and the retry settings",
            tags: ["Health"],
          },
        },
      )
      .get(
        "/health/system",
        () => {
          const c = systemCheck(gw, opts.dbPath, opts.connections);
          record(gw, "system", c);
          return {
            status: c.status,
            message: c.message,
            details: c.details,
            timestamp: new Date().toISOString(),
            duration_ms: c.duration_ms,
          };
        },
        { detail: { summary: "Process and machine resources", tags: ["Health"] } },
      )
      .get(
        "/health/history",
        ({ query }) => {
          const limit = Math.min(200, Math.max(1, Number(query.limit ?? 50) || 50));
          return {
            history: gw.routes.history
              .slice(-limit)
              .reverse()
              .map((h) => ({
                name: h.name,
                status: h.status,
                message: h.message,
                timestamp: iso(h.timestamp),
                duration_ms: h.durationMs,
              })),
            total_checks: gw.routes.totalChecks,
          };
        },
        {
          detail: {
            summary: "Recent health checks, probes and breaker transitions, newest first",
            tags: ["Health"],
          },
        },
      )
      .get("/health/monitoring", () => monitoringStatus(gw, { metricsProtected: opts.token !== null }), {
        detail: {
          summary: "Monitoring systems: Prometheus, the request log (Langfuse, Sentry: not integrated)",
          tags: ["Health"],
        },
      })
      .get(
        "/metrics",
        async () => {
          // The store gauges read as the stores are now, not as the last health check found them.
          await probe();
          return new Response(await gw.metrics.text(), {
            headers: { "content-type": gw.metrics.registry.contentType },
          });
        },
        { detail: { summary: "Prometheus metrics", tags: ["Health"] } },
      )
  );
};
