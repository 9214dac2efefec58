import type { Catalog, ModelRecord } from "../catalog/catalog.ts";
import { GatewayError } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { RouteStates } from "./route-state.ts";

export type Features = { tools: boolean; images: boolean; jsonSchema: boolean };

export const AUTO_MODEL = "auto";

/**
 * `model: "auto"` (XRouter's intelligent routing). The rule: among the enabled chat models
 * the key may use, keep those with at least one usable route (provider enabled, breaker
 * not open, not cooling after a 429) that support what the request needs (tools unless
 * `capabilities.tools: false`; images only with `capabilities.vision: true`; a JSON
 * schema unless `capabilities.json_schema: false`), and take the cheapest by input plus
 * output price per 1M tokens, then by id. The answer's `x-tollgate-model` header names it.
 */
export function chooseAutoModel(
  catalog: Catalog,
  routes: RouteStates,
  key: KeyRecord,
  f: Features,
  now: number,
): ModelRecord {
  const supports = (m: ModelRecord) =>
    (!f.tools || m.capabilities.tools !== false) &&
    (!f.images || m.capabilities.vision === true) &&
    (!f.jsonSchema || m.capabilities.json_schema !== false);
  const healthy = (m: ModelRecord) =>
    m.routes.some((r) => {
      const provider = catalog.provider(r.provider);
      return provider?.enabled === true && routes.get({ provider, model: r.model }).usable(now);
    });
  const allowed = catalog
    .models()
    // Chat models only: an embeddings, image or video model (token prices often 0) is never a chat answer.
    .filter(
      (m) => m.enabled && m.kind === "chat" && m.id !== AUTO_MODEL && (!key.models || key.models.has(m.id)),
    );
  const able = allowed.filter(supports);
  const pick = able
    .filter(healthy)
    .sort(
      (a, b) =>
        a.prices.input + a.prices.output - (b.prices.input + b.prices.output) || a.id.localeCompare(b.id),
    )[0];
  if (pick) return pick;
  const needs = [f.tools && "tools", f.images && "images", f.jsonSchema && "a JSON schema"]
    .filter(Boolean)
    .join(", ");
  if (able.length === 0) {
    throw new GatewayError(
      "invalid_request",
      `model "auto": none of the models this key may use supports ${needs || "this request"}.`,
      {
        code: "no_model_for_request",
        param: "model",
      },
    );
  }
  throw new GatewayError(
    "unavailable",
    `model "auto": every model that could serve this request is unavailable right now.`,
    { code: "no_healthy_route" },
  );
}
