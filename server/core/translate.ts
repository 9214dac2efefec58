import type { SseEvent } from "../sse/parser.ts";
import type { Dialect } from "./dialect.ts";
import type { JsonBody } from "./json-body.ts";
import type { CoreRequest } from "./request.ts";
import type { CoreResponse } from "./response.ts";
import type { CoreStreamEvent } from "./stream.ts";
import type { Usage } from "./usage.ts";

/** What a provider encoder knows besides the canonical request. */
export type EncodeContext = {
  /** The model id the upstream knows the model by. */
  upstreamModel: string;
  /** max tokens to send: the gateway's clamp, else the client's; null when neither set one. */
  maxTokens: number | null;
  /** The output limit the reservation assumed, for targets that require a max tokens (Anthropic). */
  outputLimit: number;
  /** Push the names of hints the target cannot take here; they land on the request's log row. */
  dropped: string[];
  /** The model's declared capabilities (`vision`, `tools`, `json_schema`...). */
  capabilities: Record<string, unknown>;
};

/** What forwarding a client's own body to an upstream of the same dialect may change. */
export type ForwardContext = {
  /** The model id the upstream knows the model by. */
  upstreamModel: string;
  stream: boolean;
  /** The output cap the call reserved for: the forwarded body carries exactly this one. */
  maxTokens: number;
};

/**
 * A fresh decoder for one upstream stream: one call per SSE event. `end` (optional) runs
 * when the upstream body ended, for dialects whose end is the end of the body (Gemini)
 * or servers that close without their end marker.
 */
export type StreamDecoder = ((ev: SseEvent) => CoreStreamEvent[]) & { end?: () => CoreStreamEvent[] };

/**
 * Builds a StreamDecoder from a pure step function over explicit state, so the step can
 * be unit-tested as `(event, state) -> events[]`.
 */
export function statefulDecoder<S>(
  state: S,
  step: (ev: SseEvent, state: S) => CoreStreamEvent[],
  end?: (state: S) => CoreStreamEvent[],
): StreamDecoder {
  const d = ((ev: SseEvent) => step(ev, state)) as StreamDecoder;
  if (end) d.end = () => end(state);
  return d;
}

/**
 * A provider dialect's translators: canonical request -> upstream body, upstream answer
 * -> canonical answer, upstream SSE -> canonical events. Throw a GatewayError
 * (invalid_request, naming the feature) for a feature the target cannot honour without
 * changing the answer (images to a text-only model, a tool it cannot call, a required
 * JSON schema); push droppable hints it cannot map onto `ctx.dropped`.
 */
export interface ProviderDialectCodec {
  dialect: Dialect;
  /**
   * The client's own body, for an upstream speaking the client's dialect: untouched but
   * for the model id, streaming and the one output cap (top-level edits: a client's text
   * keeps its bytes). Absent for a dialect no client speaks (GigaChat, Yandex).
   */
  forwardRequest?(body: JsonBody, ctx: ForwardContext): JsonBody;
  encodeRequest(req: CoreRequest, ctx: EncodeContext): Record<string, unknown>;
  decodeResponse(body: Record<string, unknown>): CoreResponse;
  /** A fresh stateful decoder for one stream. */
  streamDecoder(): StreamDecoder;
}

/** What a surface stream encoder is told when it starts. */
export type StreamEncodeContext = { publicModel: string; includeUsage: boolean };

export interface SurfaceStreamEncoder {
  /** Client bytes (as text) for one canonical event; "" when it yields nothing. */
  push(ev: CoreStreamEvent): string;
  /** The closing bytes, sent after the charge committed, with the billed usage. */
  finish(usage: Usage): string;
}

/**
 * An inbound surface's translators: client body -> canonical request, canonical answer
 * -> client body, canonical events -> client SSE text.
 */
export interface SurfaceDialectCodec<Body> {
  dialect: Dialect;
  decodeRequest(body: Body): CoreRequest;
  encodeResponse(res: CoreResponse, ctx: { publicModel: string }): Record<string, unknown>;
  /** A fresh stateful encoder for one stream; `finish` runs after the charge committed. */
  streamEncoder(ctx: StreamEncodeContext): SurfaceStreamEncoder;
}

/** Records a dropped hint name once. */
export function drop(dropped: string[], name: string): void {
  if (!dropped.includes(name)) dropped.push(name);
}
