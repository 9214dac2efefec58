import { Elysia } from "elysia";
import type { Gateway } from "../gateway/gateway.ts";

function databaseOk(gw: Gateway): boolean {
  try {
    gw.sqlite.query("SELECT 1").get();
    return true;
  } catch {
    return false;
  }
}

/** At least one enabled model has an enabled provider behind it. */
function servicesOk(gw: Gateway): boolean {
  return gw.catalog
    .models()
    .some((m) => m.enabled && m.routes.some((r) => gw.catalog.provider(r.provider)?.enabled));
}

/** `/health` and `/ready` in the shapes of the LLM Gateway reference. */
export const healthRoutes = (gw: Gateway) =>
  new Elysia({ name: "health" })
    .get(
      "/health",
      ({ set }) => {
        const db = databaseOk(gw);
        const llm = servicesOk(gw);
        if (!db) set.status = 503;
        return {
          status: db ? (llm ? "healthy" : "degraded") : "unhealthy",
          timestamp: new Date().toISOString(),
          version: gw.settings.version,
          environment: "production",
          components: {
            database: db ? "healthy" : "unhealthy",
            llm_services: llm ? "healthy" : "unconfigured",
          },
          rate_limit_storage: "memory",
          retry_enabled: false,
          circuit_breaker_enabled: false,
        };
      },
      { detail: { summary: "Liveness and component status", tags: ["Health"] } },
    )
    .get(
      "/ready",
      ({ set }) => {
        const db = databaseOk(gw);
        if (!db) set.status = 503;
        return {
          ready: db,
          timestamp: new Date().toISOString(),
          checks: { database: db, llm_services: servicesOk(gw) },
        };
      },
      { detail: { summary: "Readiness probe", tags: ["Health"] } },
    );
