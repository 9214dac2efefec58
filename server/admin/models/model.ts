import { z } from "zod";
import type { ModelKind } from "../../catalog/model-kind.ts";
import { ModelKindDecl, OwnedByDecl } from "../../config/schema.ts";
import { AmountInput } from "../shared.ts";

const Price = AmountInput.refine((v) => v >= 0, "must not be negative");

export const Prices = z.object({
  input: Price.optional(),
  cached_input: Price.optional(),
  output: Price.optional(),
  /** Prompt tokens written to the provider's cache; null: the input price. */
  cache_write: Price.nullable().optional(),
  /** The same with a one-hour lifetime; null: the cache_write price. */
  cache_write_1h: Price.nullable().optional(),
  /** Per image, keyed "<size>/<quality>", "<size>", "*" + "/<quality>" or "*"; null clears. */
  image: z
    .record(z.string().regex(/^(\*|[a-z0-9]+)(\/[a-z0-9]+)?$/i), Price)
    .nullable()
    .optional(),
  /** Per second of video: one amount, or keyed by size / resolution / "*"; null clears. */
  video_second: z
    .union([Price, z.record(z.string().min(1), Price)])
    .transform((v) => (typeof v === "number" ? { "*": v } : v))
    .nullable()
    .optional(),
});

export const Route = z.object({
  provider: z.string().min(1),
  model: z.string().min(1),
  priority: z.number().int().default(0),
  weight: z.number().int().positive().default(1),
});

export const CreateModel = z.object({
  id: z.string().trim().min(1).max(200),
  /** chat, embeddings, image or video; null or absent: inferred from the prices and routes. */
  kind: ModelKindDecl.nullable().optional(),
  /** The owner `/v1/models` shows; null or absent: the id's vendor prefix, else "tollgate". */
  owned_by: OwnedByDecl.nullable().optional(),
  routes: z.array(Route).min(1),
  prices: Prices.default({}),
  enabled: z.boolean().default(true),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  context_window: z.number().int().positive().nullable().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  fallbacks: z.array(z.string().min(1)).optional(),
});

export const UpdateModel = z.object({
  enabled: z.boolean().optional(),
  kind: ModelKindDecl.nullable().optional(),
  owned_by: OwnedByDecl.nullable().optional(),
  prices: Prices.optional(),
  routes: z.array(Route).min(1).optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  context_window: z.number().int().positive().nullable().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  fallbacks: z.array(z.string().min(1)).optional(),
});

export type ModelView = {
  id: string;
  enabled: boolean;
  kind: ModelKind;
  /** "declared" (config or admin API) or "inferred" from the prices and routes. */
  kind_source: "declared" | "inferred";
  owned_by: string;
  routes: { provider: string; model: string; priority: number; weight: number }[];
  /** Per 1M tokens, in the deployment currency; per image and per video second where set. */
  prices: {
    input: number;
    cached_input: number;
    output: number;
    cache_write: number | null;
    cache_write_1h: number | null;
    image?: Record<string, number>;
    video_second?: Record<string, number>;
  };
  currency: string;
  max_output_tokens: number | null;
  context_window: number | null;
  capabilities: Record<string, unknown>;
  /** Models tried, in order, when every route of this one failed. */
  fallbacks: string[];
  source: "config" | "admin";
  created_at: string;
  updated_at: string;
};
