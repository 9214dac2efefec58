import { z } from "zod";
import type { Attempt } from "../../usage-log/request-log.ts";
import { QueryTime } from "../shared.ts";

/** Which requests: the filters of the log page and of its CSV export. */
export const RequestFilter = z.object({
  key_id: z.string().optional(),
  account_id: z.string().optional(),
  model: z.string().optional(),
  status: z.coerce.number().int().min(100).max(599).optional(),
  outcome: z.enum(["ok", "error", "client_closed"]).optional(),
  /** errors: every request that did not succeed; 4xx, 5xx: by status class. */
  status_class: z.enum(["errors", "4xx", "5xx"]).optional(),
  /** A request id, part of a key's or account's name, or a key (its shown prefix is enough). */
  q: z.string().trim().max(200).optional(),
  from: QueryTime,
  to: QueryTime,
});

export const RequestQuery = RequestFilter.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export type RequestView = {
  id: string;
  created_at: string;
  key_id: string | null;
  /** Names as they are now (a renamed key shows its new name); null once the key or account is gone. */
  key_name: string | null;
  account_id: string | null;
  account_name: string | null;
  endpoint: string;
  model: string | null;
  provider: string | null;
  upstream_model: string | null;
  status: number;
  outcome: string;
  stream: boolean;
  input_tokens: number;
  cached_tokens: number;
  /** Prompt tokens written to the provider's cache (part of input_tokens), and the one-hour share. */
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
  usage_source: string;
  cost: number;
  currency: string;
  latency_ms: number;
  ttft_ms: number | null;
  max_tokens_clamped: number | null;
  error_code: string | null;
  error_message: string | null;
  /** Every upstream attempt, in order (failover, retries, fallbacks). */
  attempts: Attempt[];
  dropped_fields: string[];
};
