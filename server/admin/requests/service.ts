import type { z } from "zod";
import type { NamedRequestRow, RequestSearch } from "../../../db/queries/requests.ts";
import { amountToNumber } from "../../billing/money.ts";
import { notFound } from "../../errors.ts";
import type { Attempt } from "../../usage-log/request-log.ts";
import type { AdminServices } from "../services.ts";
import { iso } from "../shared.ts";
import type { RequestFilter, RequestQuery, RequestView } from "./model.ts";

/** What this resource reads and writes. */
export type RequestsDeps = Pick<AdminServices, "store" | "settings">;

/** The API's filter in the query module's terms (the log page and its export share it). */
export const requestSearch = (q: z.infer<typeof RequestFilter>): RequestSearch => ({
  keyId: q.key_id,
  accountId: q.account_id,
  model: q.model,
  status: q.status,
  outcome: q.outcome,
  statusClass: q.status_class,
  q: q.q,
  from: q.from,
  to: q.to,
});

function view(gw: RequestsDeps, r: NamedRequestRow): RequestView {
  return {
    id: r.id,
    created_at: iso(r.createdAt)!,
    key_id: r.keyId,
    key_name: r.keyName,
    account_id: r.accountId,
    account_name: r.accountName,
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
  async list(gw: RequestsDeps, q: z.infer<typeof RequestQuery>) {
    const { rows, total } = await gw.store.requests.search(requestSearch(q), {
      limit: q.limit,
      offset: q.offset,
    });
    return { data: rows.map((r) => view(gw, r)), total, limit: q.limit, offset: q.offset };
  },

  async get(gw: RequestsDeps, id: string): Promise<RequestView> {
    const r = await gw.store.requests.find(id);
    if (!r) throw notFound(`No request with id '${id}'.`, "request_not_found");
    return view(gw, r);
  },
};
