import type { MediaPrices, ModelKind, ModelRoute } from "../../db/schema/index.ts";
import { badRequest, type GatewayError } from "../errors.ts";

export type { ModelKind };
export const MODEL_KINDS = ["chat", "embeddings", "image", "video"] as const satisfies readonly ModelKind[];

/**
 * Upstream ids of embeddings models as vendors name them: OpenAI `text-embedding-3-small`,
 * Gemini `gemini-embedding-001`, GigaChat `Embeddings`, Mistral `mistral-embed`, Yandex
 * `text-search-doc/latest` and `text-search-query/latest` (or their `emb://` URIs).
 */
export const EMBEDDINGS_UPSTREAM = /embed|text-search-(doc|query)/i;

/**
 * The kind of a model that does not declare one, from what serves it: a per-second video
 * price makes a video model and a per-image price an image model (neither route can bill
 * without one); a route to an upstream embeddings model makes an embeddings model;
 * anything else is a chat model. A model that fits none of these (an embeddings model
 * with an unusual upstream name) declares its `kind`.
 */
export function inferKind(routes: readonly ModelRoute[], media: MediaPrices): ModelKind {
  if (media.videoSecond && Object.keys(media.videoSecond).length > 0) return "video";
  if (media.image && Object.keys(media.image).length > 0) return "image";
  if (routes.length > 0 && routes.every((r) => EMBEDDINGS_UPSTREAM.test(r.model))) return "embeddings";
  return "chat";
}

/** The kind of model each media route serves, by the provider capability it needs. */
export const MEDIA_KIND = {
  embeddings: "embeddings",
  images: "image",
  videos: "video",
} as const satisfies Record<string, ModelKind>;

/** What each kind serves, for the refusal's message. */
const SERVES: Record<ModelKind, string> = {
  chat: "chat (/v1/chat/completions, /v1/responses, /v1/messages, generateContent)",
  embeddings: "/v1/embeddings",
  image: "/v1/images",
  video: "/v1/videos",
};

/**
 * A call to an endpoint of another kind than the model's is refused with a 400 before
 * anything is reserved or sent upstream: a chat request must never reach an embeddings
 * model (whose token prices, often 0 for output, would not even bill it).
 */
export function kindMismatch(model: { id: string; kind: ModelKind }, wanted: ModelKind): GatewayError | null {
  if (model.kind === wanted) return null;
  return badRequest(
    `The model '${model.id}' is ${model.kind === "image" || model.kind === "embeddings" ? "an" : "a"} ${model.kind} model: it serves ${SERVES[model.kind]}, not ${SERVES[wanted]}.`,
    "model",
    "model_kind_mismatch",
  );
}

/** The owner `/v1/models` shows when none is declared: the public id's vendor prefix, else "tollgate". */
export function defaultOwner(publicId: string): string {
  const cut = publicId.search(/[/:]/);
  return cut > 0 ? publicId.slice(0, cut) : "tollgate";
}
