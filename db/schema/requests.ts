import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per client request, success or failure. Times are epoch ms, money nano-units. */
export const requestLog = sqliteTable(
  "request_log",
  {
    id: text("id").primaryKey(),
    createdAt: integer("created_at").notNull(),
    keyId: text("key_id"),
    accountId: text("account_id"),
    endpoint: text("endpoint").notNull(),
    model: text("model"),
    provider: text("provider"),
    upstreamModel: text("upstream_model"),
    status: integer("status").notNull(),
    outcome: text("outcome", { enum: ["ok", "error", "client_closed"] }).notNull(),
    stream: integer("stream", { mode: "boolean" }).notNull().default(false),
    inputTokens: integer("input_tokens").notNull().default(0),
    cachedTokens: integer("cached_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    /** Prompt tokens written to the provider's cache (part of input_tokens), and the one-hour share. */
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    cacheWrite1hTokens: integer("cache_write_1h_tokens").notNull().default(0),
    /** Whether the token counts came from the upstream or from our tokenizer. */
    usageSource: text("usage_source", { enum: ["upstream", "estimated", "none"] })
      .notNull()
      .default("none"),
    cost: integer("cost").notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    ttftMs: integer("ttft_ms"),
    maxTokensClamped: integer("max_tokens_clamped"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** JSON: every upstream attempt (route, status, latency, error). */
    attempts: text("attempts", { mode: "json" }).$type<unknown[]>(),
    /** JSON: request fields dropped because the target could not take them. */
    droppedFields: text("dropped_fields", { mode: "json" }).$type<string[]>(),
    /**
     * The request's charge, when it was charged (db/schema/ledger.ts: the ledger view reads
     * it as an entry): its ledger id, the balance once applied, when it was settled, and its
     * place in the ledger's commit order. Null for a request charged nothing, and for every
     * row from before migration 0010 (its charge is a row of ledger_entries).
     */
    ledgerId: text("ledger_id"),
    balanceAfter: integer("balance_after"),
    chargedAt: integer("charged_at"),
    position: integer("position"),
  },
  (t) => [
    index("request_log_time").on(t.createdAt),
    index("request_log_key_time").on(t.keyId, t.createdAt),
    index("request_log_account_time").on(t.accountId, t.createdAt),
    index("request_log_model_time").on(t.model, t.createdAt),
    index("request_log_position").on(t.position).where(sql`${t.position} IS NOT NULL`),
  ],
);
