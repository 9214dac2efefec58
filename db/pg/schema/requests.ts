import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { jsonb } from "./json.ts";

/** PostgreSQL twin of db/schema/requests.ts. */
export const requestLog = pgTable(
  "request_log",
  {
    id: text("id").primaryKey(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    keyId: text("key_id"),
    accountId: text("account_id"),
    endpoint: text("endpoint").notNull(),
    model: text("model"),
    provider: text("provider"),
    upstreamModel: text("upstream_model"),
    status: bigint("status", { mode: "number" }).notNull(),
    outcome: text("outcome", { enum: ["ok", "error", "client_closed"] }).notNull(),
    stream: boolean("stream").notNull().default(false),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    cachedTokens: bigint("cached_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull().default(0),
    cacheWrite1hTokens: bigint("cache_write_1h_tokens", { mode: "number" }).notNull().default(0),
    usageSource: text("usage_source", { enum: ["upstream", "estimated", "none"] })
      .notNull()
      .default("none"),
    cost: bigint("cost", { mode: "number" }).notNull().default(0),
    latencyMs: bigint("latency_ms", { mode: "number" }).notNull().default(0),
    ttftMs: bigint("ttft_ms", { mode: "number" }),
    maxTokensClamped: bigint("max_tokens_clamped", { mode: "number" }),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    attempts: jsonb<unknown[]>("attempts"),
    droppedFields: jsonb<string[]>("dropped_fields"),
    /** The request's charge (db/schema/requests.ts); `position` from the ledger's sequence. */
    ledgerId: text("ledger_id"),
    balanceAfter: bigint("balance_after", { mode: "number" }),
    chargedAt: bigint("charged_at", { mode: "number" }),
    position: bigint("position", { mode: "number" }),
  },
  (t) => [
    index("request_log_time").on(t.createdAt),
    index("request_log_key_time").on(t.keyId, t.createdAt),
    index("request_log_account_time").on(t.accountId, t.createdAt),
    index("request_log_model_time").on(t.model, t.createdAt),
    index("request_log_position").on(t.position).where(sql`${t.position} IS NOT NULL`),
  ],
);
