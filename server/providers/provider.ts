import type { ProviderRecord } from "../catalog/catalog.ts";
import type { Dialect } from "../core/dialect.ts";
import type { SseEvent } from "../sse/parser.ts";

/** A resolved route: which provider, and the model id it knows the model by. */
export type Target = { provider: ProviderRecord; model: string };

export type ChatCall = {
  requestId: string;
  target: Target;
  /** The request as the client sent it; a provider speaking the same dialect forwards it. */
  inbound: { dialect: Dialect; body: Record<string, unknown> };
  stream: boolean;
  /** max_tokens to send when the gateway lowered it to what the balance affords; null leaves the client's. */
  maxTokens: number | null;
  /** The client's signal: aborting it aborts the upstream call at once. */
  signal: AbortSignal;
};

export type UpstreamResult =
  | { kind: "json"; dialect: Dialect; body: Record<string, unknown>; text: string; headers: Headers }
  | { kind: "stream"; dialect: Dialect; events: AsyncIterable<SseEvent>; headers: Headers };

/** One interface for every provider kind; one file per kind; see registry.ts. */
export interface Provider {
  readonly kind: string;
  chat(call: ChatCall): Promise<UpstreamResult>;
}
