import type { Json } from "../core/wire-json.ts";
import type { Target } from "./provider.ts";

/**
 * What the media routes ask of a provider kind that has embeddings, images or video:
 * plain values in, plain values out (the route renders the client's shape and bills).
 */
export type MediaCall = {
  requestId: string;
  target: Target;
  /** The client's signal: aborting it aborts the upstream call. */
  signal: AbortSignal;
};

export type EmbeddingsCall = MediaCall & {
  /** The texts to embed, in order (empty when the client sent token ids). */
  texts: string[];
  /** The client sent token ids instead of text (only an OpenAI-compatible upstream takes them). */
  tokenInput: boolean;
  dimensions: number | null;
  /** "base64" asks an upstream that can for base64 float32 vectors. */
  encodingFormat: "float" | "base64";
  /** The client's OpenAI embeddings body, forwarded by a provider speaking that API. */
  body: Json;
};

export type EmbeddingsResult = {
  /** One vector per input, in input order: floats, or base64 little-endian float32. */
  vectors: (number[] | string)[];
  model: string;
  /** Prompt tokens as the upstream reported them; null when it reported none. */
  inputTokens: number | null;
};
