import type { ProviderRecord } from "../catalog/catalog.ts";
import type { UpstreamResult } from "../core/codec.ts";
import type { Dialect } from "../core/dialect.ts";
import type { JsonBody } from "../core/json-body.ts";
import type { CoreRequest } from "../core/request.ts";
import type { UploadedFile } from "../core/upload.ts";
import type { Json } from "../core/wire-json.ts";

/** What a transport hands back: the upstream's answer, read by the client's dialect. */
export type { UpstreamResult };

/** A resolved route: which provider, and the model id it knows the model by. */
export type Target = { provider: ProviderRecord; model: string };

export type ChatCall = {
  requestId: string;
  target: Target;
  /**
   * The request as the client sent it; a provider speaking the same dialect forwards it,
   * with the dialect's own headers (`anthropic-beta`) when the surface kept them.
   */
  inbound: { dialect: Dialect; body: JsonBody; headers?: Record<string, string> };
  /**
   * The request in canonical form, decoded on first call (memoized): only a provider
   * speaking another dialect than the client's needs it, so pass-through costs nothing.
   * Throws a 400 GatewayError for what the canonical model cannot carry.
   */
  core: () => CoreRequest;
  stream: boolean;
  /**
   * The output cap the reservation was computed from (the client's, the model's limit, or
   * what the balance affords): every provider sends exactly this, in one field.
   */
  maxTokens: number;
  /** The model's declared capabilities (catalog `capabilities`). */
  capabilities: Record<string, unknown>;
  /** Names of hints the provider's encoder dropped; this array is the log row's `droppedFields`. */
  dropped: string[];
  /** The client's signal: aborting it aborts the upstream call at once. */
  signal: AbortSignal;
};

/**
 * One interface for every provider kind; one file per kind; see registry.ts. Media
 * capabilities are optional: a route for a kind without one answers 400.
 */
export interface Provider {
  readonly kind: string;
  chat(call: ChatCall): Promise<UpstreamResult>;
  embeddings?(call: EmbeddingsCall): Promise<EmbeddingsResult>;
  images?(call: ImagesCall): Promise<ImagesResult>;
  videos?: VideoJobs;
}

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

export type ImagesCall = MediaCall & {
  op: "generations" | "edits";
  /** The client's OpenAI images body with the upstream model id; files where it uploaded them. */
  body: Json;
  /** The client sent multipart/form-data (forwarded the same way). */
  multipart: boolean;
};

/** The upstream's OpenAI images answer ({created, data: [{b64_json | url, revised_prompt}], size?, quality?, usage?}). */
export type ImagesResult = { body: Json };

export type VideoStatus = "queued" | "in_progress" | "completed" | "failed";

export type VideoJob = {
  /** The upstream's job id (kept server-side only). */
  id: string;
  status: VideoStatus;
  /** Seconds of video produced or asked for, as the upstream reports them. */
  seconds: number | null;
  size: string | null;
  error: { code: string; message: string } | null;
};

export type VideoCreateCall = MediaCall & {
  prompt: string;
  seconds: number | null;
  size: string | null;
  /** A reference image: a URL / data URL, or an uploaded file. */
  inputReference: { imageUrl: string } | { file: UploadedFile } | null;
};

/** A provider's asynchronous video jobs: create, poll, fetch the rendered bytes. */
export interface VideoJobs {
  create(call: VideoCreateCall): Promise<VideoJob>;
  retrieve(call: MediaCall, jobId: string): Promise<VideoJob>;
  /** The rendered content as the upstream answers it (streamed through to the client). */
  content(call: MediaCall, jobId: string, variant: string | null): Promise<Response>;
  /** Best effort: stop a job nobody will collect (its client left). */
  cancel?(call: MediaCall, jobId: string): Promise<void>;
}
