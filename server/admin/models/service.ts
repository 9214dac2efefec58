import type { z } from "zod";
import type { ModelPatch } from "../../../db/queries/catalog.ts";
import type { MediaPrices } from "../../../db/schema/index.ts";
import { amountToNumber } from "../../billing/money.ts";
import type { ModelRecord } from "../../catalog/catalog.ts";
import { badRequest, GatewayError, notFound } from "../../errors.ts";
import type { AdminServices } from "../services.ts";
import { iso } from "../shared.ts";
import type { CreateModel, ModelView, UpdateModel } from "./model.ts";

/** What this resource reads and writes. */
export type ModelsDeps = Pick<AdminServices, "store" | "catalog" | "settings">;

const amountsToNumbers = (r: Record<string, number>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, amountToNumber(v)]));

/** Applies the media price fields of an admin body onto the current ones (null clears one). */
function mediaPrices(
  current: MediaPrices,
  p: z.infer<typeof CreateModel>["prices"] | undefined,
): MediaPrices {
  const out: MediaPrices = { ...current };
  if (p?.image !== undefined) {
    if (p.image === null) delete out.image;
    else out.image = p.image;
  }
  if (p?.video_second !== undefined) {
    if (p.video_second === null) delete out.videoSecond;
    else out.videoSecond = p.video_second;
  }
  return out;
}

export function modelView(gw: ModelsDeps, m: ModelRecord): ModelView {
  return {
    id: m.id,
    enabled: m.enabled,
    kind: m.kind,
    kind_source: m.kindDeclared ? "declared" : "inferred",
    owned_by: m.ownedBy,
    routes: m.routes,
    prices: {
      input: amountToNumber(m.prices.input),
      cached_input: amountToNumber(m.prices.cachedInput),
      output: amountToNumber(m.prices.output),
      cache_write: m.prices.cacheWrite == null ? null : amountToNumber(m.prices.cacheWrite),
      cache_write_1h: m.prices.cacheWrite1h == null ? null : amountToNumber(m.prices.cacheWrite1h),
      ...(m.mediaPrices.image ? { image: amountsToNumbers(m.mediaPrices.image) } : {}),
      ...(m.mediaPrices.videoSecond ? { video_second: amountsToNumbers(m.mediaPrices.videoSecond) } : {}),
    },
    currency: gw.settings.currency,
    max_output_tokens: m.maxOutputTokens,
    context_window: m.contextWindow,
    capabilities: m.capabilities,
    fallbacks: m.fallbacks,
    source: m.fromConfig ? "config" : "admin",
    created_at: iso(m.createdAt)!,
    updated_at: iso(m.updatedAt)!,
  };
}

function checkRoutes(gw: ModelsDeps, routes: { provider: string }[] | undefined) {
  routes?.forEach((r, i) => {
    if (!gw.catalog.provider(r.provider))
      throw badRequest(`routes[${i}].provider: unknown provider "${r.provider}"`, `routes[${i}].provider`);
  });
}

function checkFallbacks(gw: ModelsDeps, id: string, fallbacks: string[] | undefined) {
  fallbacks?.forEach((f, i) => {
    if (f === id || !gw.catalog.model(f))
      throw badRequest(`fallbacks[${i}]: unknown fallback model "${f}"`, `fallbacks[${i}]`);
  });
}

function model(gw: ModelsDeps, id: string): ModelRecord {
  const m = gw.catalog.model(id);
  if (!m) throw notFound(`No model with id '${id}'.`, "model_not_found");
  return m;
}

export const modelsService = {
  list(gw: ModelsDeps): ModelView[] {
    return gw.catalog
      .models()
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((m) => modelView(gw, m));
  },

  get(gw: ModelsDeps, id: string): ModelView {
    return modelView(gw, model(gw, id));
  },

  async create(gw: ModelsDeps, input: z.infer<typeof CreateModel>): Promise<ModelView> {
    if (gw.catalog.model(input.id))
      throw new GatewayError("conflict", `A model '${input.id}' already exists.`, {
        code: "model_exists",
        param: "id",
      });
    checkRoutes(gw, input.routes);
    checkFallbacks(gw, input.id, input.fallbacks);
    const now = Date.now();
    const inputPrice = input.prices.input ?? 0;
    await gw.store.catalog.insertModel({
      id: input.id,
      enabled: input.enabled,
      kind: input.kind ?? null,
      ownedBy: input.owned_by ?? null,
      routes: input.routes,
      priceInput: inputPrice,
      priceCachedInput: input.prices.cached_input ?? inputPrice,
      priceOutput: input.prices.output ?? 0,
      priceCacheWrite: input.prices.cache_write ?? null,
      priceCacheWrite1h: input.prices.cache_write_1h ?? null,
      priceExtras: mediaPrices({}, input.prices),
      maxOutputTokens: input.max_output_tokens ?? null,
      contextWindow: input.context_window ?? null,
      capabilities: input.capabilities ?? {},
      fallbacks: input.fallbacks ?? [],
      configHash: null,
      createdAt: now,
      updatedAt: now,
    });
    return modelView(gw, (await gw.catalog.refreshModel(input.id))!);
  },

  /** Edits a model; the change takes effect for the next request (the cache entry is refreshed). */
  /**
   * Deletes a model; 409 while another model names it as a fallback. Past log rows keep
   * its id. A model tollgate.yaml declares is created again the next
   * time the file is applied (a start, a CLI command) while the file declares it.
   */
  async delete(gw: ModelsDeps, id: string): Promise<{ id: string; deleted: true }> {
    model(gw, id);
    const referrers = gw.catalog
      .models()
      .filter((m) => m.id !== id && m.fallbacks.includes(id))
      .map((m) => m.id);
    if (referrers.length > 0)
      throw new GatewayError(
        "conflict",
        `Model '${id}' is a fallback of ${referrers.join(", ")}: remove it from their fallbacks first.`,
        { code: "model_in_use" },
      );
    await gw.store.catalog.deleteModel(id);
    await gw.catalog.refreshModel(id);
    return { id, deleted: true };
  },

  async update(gw: ModelsDeps, id: string, input: z.infer<typeof UpdateModel>): Promise<ModelView> {
    const current = model(gw, id);
    checkRoutes(gw, input.routes);
    checkFallbacks(gw, id, input.fallbacks);
    const set: ModelPatch = { updatedAt: Date.now() };
    if (input.enabled !== undefined) set.enabled = input.enabled;
    if (input.kind !== undefined) set.kind = input.kind;
    if (input.owned_by !== undefined) set.ownedBy = input.owned_by;
    if (input.routes !== undefined) set.routes = input.routes;
    if (input.prices?.input !== undefined) set.priceInput = input.prices.input;
    if (input.prices?.cached_input !== undefined) set.priceCachedInput = input.prices.cached_input;
    if (input.prices?.output !== undefined) set.priceOutput = input.prices.output;
    if (input.prices?.cache_write !== undefined) set.priceCacheWrite = input.prices.cache_write;
    if (input.prices?.cache_write_1h !== undefined) set.priceCacheWrite1h = input.prices.cache_write_1h;
    if (input.prices?.image !== undefined || input.prices?.video_second !== undefined)
      set.priceExtras = mediaPrices(current.mediaPrices, input.prices);
    if (input.max_output_tokens !== undefined) set.maxOutputTokens = input.max_output_tokens;
    if (input.context_window !== undefined) set.contextWindow = input.context_window;
    if (input.capabilities !== undefined) set.capabilities = input.capabilities;
    if (input.fallbacks !== undefined) set.fallbacks = input.fallbacks;
    await gw.store.catalog.updateModel(id, set);
    return modelView(gw, (await gw.catalog.refreshModel(id))!);
  },
};
