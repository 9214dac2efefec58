import type { HealthState } from "./checks.ts";

type Monitor = { status: "healthy" | "disabled"; enabled: boolean; [detail: string]: unknown };

/**
 * `GET /health/monitoring` in the LLM Gateway reference's shape: one entry per monitoring
 * system. Tollgate has Prometheus built in (/metrics) and its own request log; Langfuse and
 * Sentry are not integrated, and are reported as such rather than left out (clients of the
 * reference read those keys).
 */
export function monitoringStatus(
  gw: Pick<HealthState, "settings" | "metrics">,
  opts: { metricsProtected: boolean },
) {
  const off: Monitor = { status: "disabled", enabled: false };
  return {
    prometheus: {
      status: "healthy",
      enabled: true,
      path: "/metrics",
      protected: opts.metricsProtected,
      balance_gauge: gw.metrics.registry.getSingleMetric("user_balance") !== undefined,
    } satisfies Monitor,
    request_log: {
      status: "healthy",
      enabled: true,
      stdout_lines: gw.settings.logRequests,
      prompts: gw.settings.logPrompts,
    } satisfies Monitor,
    langfuse: { ...off, host: null },
    sentry: off,
  };
}
