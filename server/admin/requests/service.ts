import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { requestLog } from "../../../db/schema/index.ts";
import { amountToNumber } from "../../billing/money.ts";
import { notFound } from "../../errors.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import type { Attempt } from "../../usage-log/request-log.ts";
import { iso } from "../shared.ts";
import type { RequestQuery, RequestView } from "./model.ts";

type Row = typeof requestLog.$inferSelect;

function view(gw: Gateway, r: Row): RequestView {
  return {
    id: r.id,
    created_at: iso(r.createdAt)!,
    key_id: r.keyId,
    account_id: r.accountId,
    endpoint: r.endpoint,
    model: r.model,
    provider: r.provider,
    upstream_model: r.upstreamModel,
    status: r.status,
    outcome: r.outcome,
    stream: r.stream,
    input_tokens: r.inputTokens,
    cached_tokens: r.cachedTokens,
    cache_write_tokens: r.cacheWriteTokens,
    cache_write_1h_tokens: r.cacheWrite1hTokens,
    output_tokens: r.outputTokens,
    usage_source: r.usageSource,
    cost: amountToNumber(r.cost),
    currency: gw.settings.currency,
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    max_tokens_clamped: r.maxTokensClamped,
    error_code: r.errorCode,
    error_message: r.errorMessage,
    // Only ever written from LogRow.attempts (request-log.ts).
    attempts: (r.attempts ?? []) as Attempt[],
    dropped_fields: r.droppedFields ?? [],
  };
}

export const requestsService = {
  list(gw: Gateway, q: z.infer<typeof RequestQuery>) {
    const where: SQL[] = [];
    if (q.key_id) where.push(eq(requestLog.keyId, q.key_id));
    if (q.account_id) where.push(eq(requestLog.accountId, q.account_id));
    if (q.model) where.push(eq(requestLog.model, q.model));
    if (q.status !== undefined) where.push(eq(requestLog.status, q.status));
    if (q.outcome) where.push(eq(requestLog.outcome, q.outcome));
    if (q.from !== undefined) where.push(gte(requestLog.createdAt, q.from));
    if (q.to !== undefined) where.push(lt(requestLog.createdAt, q.to));
    const cond = where.length ? and(...where) : undefined;
    const rows = gw.db
      .select()
      .from(requestLog)
      .where(cond)
      .orderBy(desc(requestLog.createdAt), desc(requestLog.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    const total = gw.db.select({ n: count() }).from(requestLog).where(cond).get()?.n ?? 0;
    return { data: rows.map((r) => view(gw, r)), total, limit: q.limit, offset: q.offset };
  },

  get(gw: Gateway, id: string): RequestView {
    const r = gw.db.select().from(requestLog).where(eq(requestLog.id, id)).get();
    if (!r) throw notFound(`No request with id '${id}'.`, "request_not_found");
    return view(gw, r);
  },
};
