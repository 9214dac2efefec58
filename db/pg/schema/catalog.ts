import { bigint, boolean, pgTable, text } from "drizzle-orm/pg-core";
import type { MediaPrices, ModelKind, ModelRoute, ProviderTimeouts } from "../../schema/catalog.ts";
import { jsonb } from "./json.ts";

/** PostgreSQL twin of db/schema/catalog.ts (the comments on each column live there). */
export const providers = pgTable("providers", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  baseUrl: text("base_url").notNull(),
  apiKeyEnc: text("api_key_enc"),
  options: jsonb<Record<string, unknown>>("options").notNull().default({}),
  headers: jsonb<Record<string, string>>("headers").notNull().default({}),
  headersEnc: text("headers_enc"),
  timeouts: jsonb<ProviderTimeouts>("timeouts").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  configHash: text("config_hash"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

export const models = pgTable("models", {
  id: text("id").primaryKey(),
  enabled: boolean("enabled").notNull().default(true),
  kind: text("kind").$type<ModelKind>(),
  ownedBy: text("owned_by"),
  routes: jsonb<ModelRoute[]>("routes").notNull(),
  priceInput: bigint("price_input", { mode: "number" }).notNull().default(0),
  priceCachedInput: bigint("price_cached_input", { mode: "number" }).notNull().default(0),
  priceOutput: bigint("price_output", { mode: "number" }).notNull().default(0),
  priceCacheWrite: bigint("price_cache_write", { mode: "number" }),
  priceCacheWrite1h: bigint("price_cache_write_1h", { mode: "number" }),
  priceExtras: jsonb<MediaPrices>("price_extras").notNull().default({}),
  maxOutputTokens: bigint("max_output_tokens", { mode: "number" }),
  contextWindow: bigint("context_window", { mode: "number" }),
  capabilities: jsonb<Record<string, unknown>>("capabilities").notNull().default({}),
  fallbacks: jsonb<string[]>("fallbacks").notNull().default([]),
  configHash: text("config_hash"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});
