import type { Config } from "./schema.ts";

/**
 * The deployment settings a request reads, derived once from the config at start and frozen.
 * Services take this (or the few fields they read) rather than the whole config or gateway.
 */
export type Settings = Readonly<{
  currency: string;
  bodyLimitBytes: number;
  defaultMaxOutputTokens: number;
  /** Lifetime of gateway links to generated media. */
  mediaLinkTtlMs: number;
  /** The gateway's public origin for links it hands out; else the request's own origin. */
  publicUrl: string | null;
  version: string;
  /** How a call walks its routes (routing/attempts.ts `RoutingConfig`). */
  routing: { maxAttempts: number; backoff: { baseMs: number; maxMs: number } };
  /** One client request's deadline across all its upstream attempts (0: none). */
  requestTimeoutMs: number;
  breaker: { enabled: boolean; failureThreshold: number; recoveryMs: number };
  retryBudget: { ratio: number; minPerSecond: number };
  probeIntervalS: number;
  /** `x-tollgate-route` on answers (routing.expose_route_headers; off by default). */
  exposeRouteHeaders: boolean;
  logRequests: boolean;
  logPrompts: boolean;
}>;

export function settingsOf(config: Config, version: string): Settings {
  const r = config.routing;
  return Object.freeze({
    currency: config.currency,
    bodyLimitBytes: Math.floor(config.server.body_limit_mb * 1024 * 1024),
    defaultMaxOutputTokens: config.defaults.max_output_tokens,
    mediaLinkTtlMs: Math.round(config.defaults.media_link_ttl_s * 1000),
    publicUrl: config.server.public_url?.replace(/\/+$/, "") ?? null,
    version,
    routing: {
      maxAttempts: r.max_attempts,
      backoff: { baseMs: r.backoff.base_ms, maxMs: r.backoff.max_ms },
    },
    requestTimeoutMs: r.request_timeout_ms,
    breaker: {
      enabled: r.circuit_breaker.enabled,
      failureThreshold: r.circuit_breaker.failure_threshold,
      recoveryMs: r.circuit_breaker.recovery_timeout_ms,
    },
    retryBudget: { ratio: r.retry_budget.ratio, minPerSecond: r.retry_budget.min_per_second },
    probeIntervalS: config.health.probe_interval_s,
    exposeRouteHeaders: r.expose_route_headers,
    logRequests: config.logging.requests,
    logPrompts: config.logging.prompts,
  });
}
