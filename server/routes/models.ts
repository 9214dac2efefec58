import { Elysia } from "elysia";
import type { ModelRecord } from "../catalog/catalog.ts";
import { modelNotFound } from "../errors.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { authenticateReader, presentedKey } from "../http/client-auth.ts";
import { decodePathParam } from "../http/path-param.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { AUTO_MODEL } from "../routing/auto.ts";

function modelObject(m: ModelRecord) {
  return {
    id: m.id,
    object: "model",
    created: Math.floor(m.createdAt / 1000),
    // The model's public owner: which provider serves it is the deployment's business.
    owned_by: m.ownedBy,
    /** Which endpoints take it: chat, embeddings, image or video. */
    kind: m.kind,
  };
}

/** Enabled models; with a key, only those the key may use. A key is optional, but a bad one is a 401. */
function visibleModels(
  gw: Pick<CallServices, "catalog" | "keys" | "book" | "limiter">,
  request: Request,
  headers: Record<string, string>,
): ModelRecord[] {
  let key: KeyRecord | null = null;
  if (presentedKey(request) !== null) key = authenticateReader(gw, request, headers);
  return gw.catalog
    .models()
    .filter((m) => m.enabled && (!key?.models || key.models.has(m.id)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export const modelsRoutes = (gw: Pick<CallServices, "catalog" | "keys" | "book" | "limiter">) =>
  new Elysia({ name: "openai-models" })
    .get(
      "/v1/models",
      ({ request, set }) => {
        const models = visibleModels(gw, request, set.headers as Record<string, string>);
        // "auto" picks the cheapest healthy chat model that can serve the request (routing/auto.ts).
        const auto =
          models.some((m) => m.kind === "chat") && !models.some((m) => m.id === AUTO_MODEL)
            ? [{ id: AUTO_MODEL, object: "model", created: 0, owned_by: "tollgate", kind: "chat" }]
            : [];
        return { object: "list", data: [...models.map(modelObject), ...auto] };
      },
      {
        detail: { summary: "List the models this key may use", tags: ["OpenAI"] },
      },
    )
    .get(
      "/v1/models/*",
      ({ request, params, set }) => {
        const id = decodePathParam(params["*"], "model");
        const m = visibleModels(gw, request, set.headers as Record<string, string>).find((x) => x.id === id);
        if (!m) throw modelNotFound(id);
        return modelObject(m);
      },
      { detail: { summary: "Retrieve one model", tags: ["OpenAI"] } },
    );
