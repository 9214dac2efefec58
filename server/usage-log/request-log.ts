import type { Database } from "bun:sqlite";
import type { Write } from "../store/writes.ts";

export type Outcome = "ok" | "error" | "client_closed";
export type UsageSource = "upstream" | "estimated" | "none";

export type Attempt = {
  provider: string;
  /** The upstream model id of the route. */
  model: string;
  /** The public model this attempt served (differs from the request's for fallbacks). */
  publicModel?: string;
  /** The status this attempt ended with, as the client would get it (an upstream 5xx is 502). */
  status: number | null;
  latencyMs: number;
  /** Our error code (upstream_error, upstream_timeout...). */
  error?: string;
  /** What the upstream itself answered: its HTTP status, when it answered one. */
  upstreamStatus?: number;
  /** Why it failed, in words: the upstream's own message (scrubbed of secrets), or ours. */
  message?: string;
  /** A retry of a route already tried (failover to another route is not a retry). */
  retry?: boolean;
};

/** One request's log row as the gateway fills it in. */
export type LogRow = {
  id: string;
  createdAt: number;
  keyId: string | null;
  accountId: string | null;
  endpoint: string;
  model: string | null;
  provider: string | null;
  upstreamModel: string | null;
  status: number;
  outcome: Outcome;
  stream: boolean;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  usageSource: UsageSource;
  cost: number;
  latencyMs: number;
  ttftMs: number | null;
  maxTokensClamped: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: Attempt[];
  droppedFields: string[];
};

const INSERT = `INSERT INTO request_log (id, created_at, key_id, account_id, endpoint, model, provider, upstream_model, status, outcome,
  stream, input_tokens, cached_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, usage_source, cost,
  latency_ms, ttft_ms, max_tokens_clamped, error_code, error_message, attempts, dropped_fields)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A rejected request's model is whatever the client sent: the row keeps this much of it. */
export const MAX_MODEL_CHARS = 256;

/** The writes of one log row (and the key's last use, folded per batch). */
export function logWrites(r: LogRow): Write[] {
  const row: Write = {
    sql: INSERT,
    params: [
      r.id,
      r.createdAt,
      r.keyId,
      r.accountId,
      r.endpoint,
      r.model === null ? null : r.model.slice(0, MAX_MODEL_CHARS),
      r.provider,
      r.upstreamModel,
      r.status,
      r.outcome,
      r.stream ? 1 : 0,
      r.inputTokens,
      r.cachedTokens,
      r.outputTokens,
      r.cacheWriteTokens,
      r.cacheWrite1hTokens,
      r.usageSource,
      r.cost,
      r.latencyMs,
      r.ttftMs,
      r.maxTokensClamped,
      r.errorCode,
      r.errorMessage === null ? null : r.errorMessage.slice(0, 1000),
      r.attempts.length ? JSON.stringify(r.attempts) : null,
      r.droppedFields.length ? JSON.stringify(r.droppedFields) : null,
    ],
  };
  return r.keyId ? [row, { touch: { keyId: r.keyId, at: r.createdAt } }] : [row];
}

/** Whether a request's row is already committed (an error after its commit must not log it twice). */
export function isLogged(sqlite: Database, id: string): boolean {
  return sqlite.query("SELECT 1 FROM request_log WHERE id = ?").get(id) !== null;
}
