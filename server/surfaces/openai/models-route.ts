import { Elysia } from "elysia";
import type { ModelRecord } from "../../catalog/catalog.ts";
import { modelNotFound } from "../../errors.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { authenticateClient, presentedKey } from "../../http/client-auth.ts";
import { AUTO_MODEL } from "../../routing/auto.ts";
import type { KeyRecord } from "../../keys/key-store.ts";

function modelObject(m: ModelRecord) {
  return {
    id: m.id,
    object: "model",
    created: Math.floor(m.createdAt / 1000),
    owned_by: m.routes[0]?.provider ?? "tollgate",
  };
}

/** Enabled models; with a key, only those the key may use. A key is optional, but a bad one is a 401. */
function visibleModels(gw: Gateway, request: Request): ModelRecord[] {
  let key: KeyRecord | null = null;
  if (presentedKey(request) !== null) key = authenticateClient(gw, request);
  else gw.syncExternalChanges();
  return gw.catalog
    .models()
    .filter((m) => m.enabled && (!key?.models || key.models.has(m.id)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export const modelsRoutes = (gw: Gateway) =>
  new Elysia({ name: "openai-models" })
    .get(
      "/v1/models",
      ({ request }) => ({ object: "list", data: visibleModels(gw, request).map(modelObject) }),
      {
        detail: { summary: "List the models this key may use", tags: ["OpenAI"] },
      },
    )
    .get(
      "/v1/models/*",
      ({ request, params }) => {
        const id = decodeURIComponent(params["*"]);
        const m = visibleModels(gw, request).find((x) => x.id === id);
        if (!m) throw modelNotFound(id);
        return modelObject(m);
      },
      { detail: { summary: "Retrieve one model", tags: ["OpenAI"] } },
    );
