import type { RequestLogRow } from "../../db/queries/requests.ts";
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

/** A rejected request's model is whatever the client sent: the row keeps this much of it. */
export const MAX_MODEL_CHARS = 256;

/** The writes of one log row (and the key's last use, folded per batch). */
export function logWrites(r: LogRow): Write[] {
  // Every column of the table, by name: a column added to the schema fails to compile here.
  const row: RequestLogRow = {
    id: r.id,
    createdAt: r.createdAt,
    keyId: r.keyId,
    accountId: r.accountId,
    endpoint: r.endpoint,
    model: r.model === null ? null : r.model.slice(0, MAX_MODEL_CHARS),
    provider: r.provider,
    upstreamModel: r.upstreamModel,
    status: r.status,
    outcome: r.outcome,
    stream: r.stream,
    inputTokens: r.inputTokens,
    cachedTokens: r.cachedTokens,
    outputTokens: r.outputTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    cacheWrite1hTokens: r.cacheWrite1hTokens,
    usageSource: r.usageSource,
    cost: r.cost,
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    maxTokensClamped: r.maxTokensClamped,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage === null ? null : r.errorMessage.slice(0, 1000),
    attempts: r.attempts.length ? r.attempts : null,
    droppedFields: r.droppedFields.length ? r.droppedFields : null,
    // The charge's columns: the group commit fills them in when the entry carries this
    // request's charge (server/store/charge-batch.ts, tollgate_commit_batch on PostgreSQL).
    ledgerId: null,
    balanceAfter: null,
    chargedAt: null,
    position: null,
  };
  const write: Write = { op: "request_log.insert", row };
  return r.keyId ? [write, { touch: { keyId: r.keyId, at: r.createdAt } }] : [write];
}
