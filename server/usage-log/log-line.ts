import type { LogRow } from "./request-log.ts";

/**
 * The structured stdout line of one request. Built from the log row, which holds no
 * secret and no prompt text; the prompt is added only when `logging.prompts` is on.
 */
export function requestLine(row: LogRow, prompt?: string): string {
  return JSON.stringify({
    level: row.outcome === "error" && row.status >= 500 ? "error" : "info",
    msg: "request",
    time: new Date(row.createdAt).toISOString(),
    request_id: row.id,
    endpoint: row.endpoint,
    key_id: row.keyId,
    account_id: row.accountId,
    model: row.model,
    route: row.provider ? `${row.provider}:${row.upstreamModel}` : null,
    status: row.status,
    outcome: row.outcome,
    stream: row.stream,
    input_tokens: row.inputTokens,
    cached_tokens: row.cachedTokens,
    output_tokens: row.outputTokens,
    ...(row.cacheWriteTokens ? { cache_write_tokens: row.cacheWriteTokens } : {}),
    cost_nano: row.cost,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    attempts: row.attempts.length,
    error_code: row.errorCode,
    ...(prompt !== undefined ? { prompt } : {}),
  });
}
