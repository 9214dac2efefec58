import type { ProviderRecord } from "../catalog/catalog.ts";
import type { UpstreamResult } from "../core/codec.ts";
import type { Dialect } from "../core/dialect.ts";
import type { CoreRequest } from "../core/request.ts";
import type { EmbeddingsCall, EmbeddingsResult, ImagesCall, ImagesResult, VideoJobs } from "./media.ts";

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
  inbound: { dialect: Dialect; body: Record<string, unknown>; headers?: Record<string, string> };
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
