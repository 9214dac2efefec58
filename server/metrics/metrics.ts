import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { amountToNumber } from "../billing/money.ts";
import type { BreakerState } from "../routing/breaker.ts";
import type { LogRow } from "../usage-log/request-log.ts";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Prometheus metrics (prom-client, a registry per gateway). Label sets are bounded:
 * model ids, routes and statuses come from the catalog and HTTP; key ids appear only
 * when `metrics.key_labels` is on. Names follow the LLM Gateway reference where it has
 * one (llm_requests_total, llm_requests_duration_seconds, rate_limit_requests_total).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly ttft: Histogram<string>;
  private readonly tokens: Counter<string>;
  private readonly spend: Counter<string>;
  private readonly rateLimited: Counter<string>;
  private readonly attempts: Counter<string>;
  private readonly retries: Counter<string>;
  private readonly breaker: Gauge<string>;
  private readonly keyRequests: Counter<string> | null;

  constructor(opts: { currency: string; keyLabels: boolean }) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "llm_requests_total",
      help: "Client requests by model, answering route and HTTP status",
      labelNames: ["model", "route", "status", "endpoint"],
      registers,
    });
    this.duration = new Histogram({
      name: "llm_requests_duration_seconds",
      help: "Request latency, received to last byte sent",
      labelNames: ["model", "route"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttft = new Histogram({
      name: "tollgate_time_to_first_token_seconds",
      help: "Time to the first streamed output token",
      labelNames: ["model", "route"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: "tollgate_tokens_total",
      help: "Tokens billed, by model and kind (input includes cached)",
      labelNames: ["model", "kind"],
      registers,
    });
    this.spend = new Counter({
      name: "tollgate_spend_total",
      help: `Money charged, in ${opts.currency}`,
      labelNames: ["model", "currency"],
      registers,
    });
    this.rateLimited = new Counter({
      name: "rate_limit_requests_total",
      help: "Requests refused by a rate limit, by limit type",
      labelNames: ["type"],
      registers,
    });
    this.attempts = new Counter({
      name: "tollgate_upstream_attempts_total",
      help: "Upstream attempts by route and outcome",
      labelNames: ["route", "outcome"],
      registers,
    });
    this.retries = new Counter({
      name: "tollgate_upstream_retries_total",
      help: "Retries of a route already tried for the same request",
      labelNames: ["route"],
      registers,
    });
    this.breaker = new Gauge({
      name: "tollgate_circuit_breaker_state",
      help: "Circuit breaker state per route: 0 closed, 1 half-open, 2 open",
      labelNames: ["route"],
      registers,
    });
    this.keyRequests = opts.keyLabels
      ? new Counter({
          name: "tollgate_key_requests_total",
          help: "Requests per API key (key_labels on)",
          labelNames: ["key_id", "status"],
          registers,
        })
      : null;
    this.currency = opts.currency;
  }

  private readonly currency: string;

  /** One finished request, from its committed log row. */
  request(row: LogRow): void {
    const model = row.model ?? "none";
    const route = row.provider && row.upstreamModel ? `${row.provider}:${row.upstreamModel}` : "none";
    this.requests.inc({ model, route, status: String(row.status), endpoint: row.endpoint });
    this.duration.observe({ model, route }, row.latencyMs / 1000);
    if (row.ttftMs !== null) this.ttft.observe({ model, route }, row.ttftMs / 1000);
    if (row.inputTokens) this.tokens.inc({ model, kind: "input" }, row.inputTokens);
    if (row.cachedTokens) this.tokens.inc({ model, kind: "cached" }, row.cachedTokens);
    if (row.outputTokens) this.tokens.inc({ model, kind: "output" }, row.outputTokens);
    if (row.cost) this.spend.inc({ model, currency: this.currency }, amountToNumber(row.cost));
    if (row.errorCode === "rate_limit_exceeded")
      this.rateLimited.inc({ type: rateLimitType(row.errorMessage) });
    if (row.keyId) this.keyRequests?.inc({ key_id: row.keyId, status: String(row.status) });
  }

  attempt(route: string, outcome: string, retry: boolean): void {
    this.attempts.inc({ route, outcome });
    if (retry) this.retries.inc({ route });
  }

  breakerState(route: string, state: BreakerState): void {
    this.breaker.set({ route }, BREAKER_VALUE[state]);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function rateLimitType(message: string | null): string {
  if (message?.includes("per day")) return "key_daily_limit";
  if (message?.includes("account")) return "account_limit";
  return "key_limit";
}
