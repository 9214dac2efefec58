import { Counter, Gauge, Registry } from "prom-client";
import { UNITS_PER_CURRENCY } from "../billing/money.ts";
import type { BreakerState } from "../routing/breaker.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import { PlainCounter, PlainHistogram } from "./plain-metrics.ts";

type Inc = { inc(v?: number): void };
type Observe = { observe(v: number): void };
type RequestSeries = {
  requests: Inc;
  duration: Observe;
  ttft: Observe;
  input: Inc;
  cached: Inc;
  output: Inc;
  spend: Inc;
};

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Distinct label combinations kept before new ones fold into "other" (a backstop). */
const MAX_SERIES = 5000;

/**
 * Prometheus metrics (prom-client, a registry per gateway). Label sets are bounded:
 * model ids come from the catalog (a model the catalog does not know, as a client may
 * send any text, is counted as "unknown"), routes and statuses from the catalog and
 * HTTP; key ids appear only when `metrics.key_labels` is on. Names follow the LLM Gateway reference where it has
 * one (llm_requests_total, llm_requests_duration_seconds, rate_limit_requests_total).
 */
export class Metrics {
  readonly registry = new Registry();
  // The per-request series are plain numbers, read on scrape (plain-metrics.ts says why).
  private readonly requests: PlainCounter;
  private readonly duration: PlainHistogram;
  private readonly ttft: PlainHistogram;
  private readonly tokens: PlainCounter;
  private readonly spend: PlainCounter;
  private readonly rateLimited: Counter<string>;
  private readonly attempts: PlainCounter;
  private readonly retries: PlainCounter;
  private readonly breaker: Gauge<string>;
  private readonly keyRequests: PlainCounter | null;

  /** Whether a model id is one of the catalog's; set by whoever owns the catalog. */
  private knownModel: (id: string) => boolean = () => false;

  constructor(opts: { currency: string; keyLabels: boolean; knownModel?: (id: string) => boolean }) {
    if (opts.knownModel) this.knownModel = opts.knownModel;
    const registers = [this.registry];
    const r = this.registry;
    this.requests = new PlainCounter(
      "llm_requests_total",
      "Client requests by model, answering route and HTTP status",
      r,
    );
    this.duration = new PlainHistogram(
      "llm_requests_duration_seconds",
      "Request latency, received to last byte sent",
      LATENCY_BUCKETS,
      r,
    );
    this.ttft = new PlainHistogram(
      "tollgate_time_to_first_token_seconds",
      "Time to the first streamed output token",
      LATENCY_BUCKETS,
      r,
    );
    this.tokens = new PlainCounter(
      "tollgate_tokens_total",
      "Tokens billed, by model and kind (input includes cached)",
      r,
    );
    this.spend = new PlainCounter("tollgate_spend_total", `Money charged, in ${opts.currency}`, r);
    this.rateLimited = new Counter({
      name: "rate_limit_requests_total",
      help: "Requests refused by a rate limit, by limit type",
      labelNames: ["type"],
      registers,
    });
    this.attempts = new PlainCounter(
      "tollgate_upstream_attempts_total",
      "Upstream attempts by route and outcome",
      r,
    );
    this.retries = new PlainCounter(
      "tollgate_upstream_retries_total",
      "Retries of a route already tried for the same request",
      r,
    );
    this.breaker = new Gauge({
      name: "tollgate_circuit_breaker_state",
      help: "Circuit breaker state per route: 0 closed, 1 half-open, 2 open",
      labelNames: ["route"],
      registers,
    });
    this.keyRequests = opts.keyLabels
      ? new PlainCounter("tollgate_key_requests_total", "Requests per API key (key_labels on)", r)
      : null;
    this.currency = opts.currency;
  }

  private readonly currency: string;

  /**
   * Each (model, route, status, endpoint)'s series, looked up once per request. The
   * combinations are bounded by the catalog and HTTP statuses.
   */
  private readonly children = new Map<string, RequestSeries>();

  /** Labels model ids by the catalog: a client-chosen name never becomes a series. */
  labelModelsBy(knownModel: (id: string) => boolean): void {
    this.knownModel = knownModel;
  }

  private series(model: string, route: string, status: number, endpoint: string): RequestSeries {
    let id = `${model}\u0000${route}\u0000${status}\u0000${endpoint}`;
    let s = this.children.get(id);
    if (!s && this.children.size >= MAX_SERIES) {
      model = route = endpoint = "other";
      id = `other\u0000other\u0000${status}\u0000other`;
      s = this.children.get(id);
    }
    if (!s) {
      s = {
        requests: this.requests.child({ model, route, status: String(status), endpoint }),
        duration: this.duration.child({ model, route }),
        ttft: this.ttft.child({ model, route }),
        input: this.tokens.child({ model, kind: "input" }),
        cached: this.tokens.child({ model, kind: "cached" }),
        output: this.tokens.child({ model, kind: "output" }),
        spend: this.spend.child({ model, currency: this.currency }),
      };
      this.children.set(id, s);
    }
    return s;
  }

  /** One finished request, from its committed log row. */
  request(row: LogRow): void {
    safely(() => this.count(row));
  }

  private count(row: LogRow): void {
    const route = row.provider && row.upstreamModel ? `${row.provider}:${row.upstreamModel}` : "none";
    const model = row.model === null ? "none" : this.knownModel(row.model) ? row.model : "unknown";
    const s = this.series(model, route, row.status, row.endpoint);
    s.requests.inc();
    s.duration.observe(row.latencyMs / 1000);
    if (row.ttftMs !== null) s.ttft.observe(row.ttftMs / 1000);
    if (row.inputTokens) s.input.inc(row.inputTokens);
    if (row.cachedTokens) s.cached.inc(row.cachedTokens);
    if (row.outputTokens) s.output.inc(row.outputTokens);
    // A metric is a float anyway: nano-units / 1e9 (the ledger keeps the exact integers).
    if (row.cost) s.spend.inc(row.cost / UNITS_PER_CURRENCY);
    if (row.errorCode === "rate_limit_exceeded")
      this.rateLimited.inc({ type: rateLimitType(row.errorMessage) });
    if (row.keyId) this.keyRequests?.child({ key_id: row.keyId, status: String(row.status) }).inc();
  }

  attempt(route: string, outcome: string, retry: boolean): void {
    safely(() => {
      this.attempts.child({ route, outcome }).inc();
      if (retry) this.retries.child({ route }).inc();
    });
  }

  breakerState(route: string, state: BreakerState): void {
    safely(() => this.breaker.set({ route }, BREAKER_VALUE[state]));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Counting never throws: it runs after a row committed or inside a routing attempt, and a
 * metric must not turn a client's answer into an error (prom-client throws on a label set
 * it does not expect).
 */
function safely(count: () => void): void {
  try {
    count();
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "metrics update failed", error: String(err) }));
  }
}

/** The limit a refusal's message names (server/limits/rate-limit.ts and server/plans word them). */
function rateLimitType(message: string | null): string {
  if (message?.includes("(global limit)")) return "global_limit";
  if (message?.includes("tokens per day on the")) return "plan_token_limit";
  if (message?.includes("concurrent requests on the")) return "plan_concurrency_limit";
  if (message?.includes(" plan.")) return "plan_limit";
  if (message?.includes("per day")) return "key_daily_limit";
  if (message?.includes("account")) return "account_limit";
  return "key_limit";
}
