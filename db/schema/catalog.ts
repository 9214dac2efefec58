import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type ProviderTimeouts = { connectMs: number; firstByteMs: number; totalMs: number };
/**
 * Prices beyond tokens, in nano-units: per generated image keyed "<size>/<quality>",
 * "<size>", "*" followed by "/<quality>", or "*"; per second of generated video keyed by
 * size ("1280x720"), resolution ("720p") or "*".
 */
export type MediaPrices = { image?: Record<string, number>; videoSecond?: Record<string, number> };
export type ModelRoute = { provider: string; model: string; priority: number; weight: number };
/** What a model serves: chat (chat, responses, messages, generateContent), embeddings, image, video. */
export type ModelKind = "chat" | "embeddings" | "image" | "video";

/** Upstream providers. The API key and extra headers are AES-GCM encrypted (see server/secrets). */
export const providers = sqliteTable("providers", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  baseUrl: text("base_url").notNull(),
  apiKeyEnc: text("api_key_enc"),
  /** Kind-specific settings (e.g. Yandex folder id, GigaChat scope), JSON. */
  options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  /**
   * Extra headers in clear: only rows written before headers were encrypted (read, then
   * sealed into `headersEnc` at start). New rows keep `{}` here.
   */
  headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
  /** Extra headers (they often carry credentials: api-key, x-api-key) as AES-GCM encrypted JSON. */
  headersEnc: text("headers_enc"),
  timeouts: text("timeouts", { mode: "json" }).$type<ProviderTimeouts>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  configHash: text("config_hash"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Public models. Prices are nano-units per 1M tokens. */
export const models = sqliteTable("models", {
  id: text("id").primaryKey(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** Declared kind; null: inferred from the model's prices and routes (server/catalog/model-kind.ts). */
  kind: text("kind").$type<ModelKind>(),
  /** The public owner `/v1/models` shows; null: derived from the id's prefix, else "tollgate". */
  ownedBy: text("owned_by"),
  routes: text("routes", { mode: "json" }).$type<ModelRoute[]>().notNull(),
  priceInput: integer("price_input").notNull().default(0),
  priceCachedInput: integer("price_cached_input").notNull().default(0),
  priceOutput: integer("price_output").notNull().default(0),
  /** Prompt tokens written to the provider's cache, five-minute and one-hour; null: see Prices. */
  priceCacheWrite: integer("price_cache_write"),
  priceCacheWrite1h: integer("price_cache_write_1h"),
  /** Per-image and per-second prices (see MediaPrices), JSON. */
  priceExtras: text("price_extras", { mode: "json" }).$type<MediaPrices>().notNull().default({}),
  maxOutputTokens: integer("max_output_tokens"),
  contextWindow: integer("context_window"),
  /** What the model can take and do (vision, tools, json_schema...), JSON. */
  capabilities: text("capabilities", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  /** Public ids of models tried, in order, when every route of this one failed. */
  fallbacks: text("fallbacks", { mode: "json" }).$type<string[]>().notNull().default([]),
  configHash: text("config_hash"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
