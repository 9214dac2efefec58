import type { SseEvent } from "../sse/parser.ts";
import type { Dialect } from "./dialect.ts";
import type { CoreRequest } from "./request.ts";
import type { CoreResponse } from "./response.ts";
import type { CoreStreamEvent } from "./stream.ts";
import type { Usage } from "./usage.ts";

/**
 * A provider dialect's translators: canonical request -> upstream body, upstream answer
 * -> canonical answer, upstream SSE -> canonical events. Throw a GatewayError
 * (invalid_request, naming the feature) for a feature the target cannot honour without
 * changing the answer (images to a text-only model, a tool it cannot call, a required
 * JSON schema); push droppable hints it cannot map onto `dropped`.
 */
export interface ProviderDialectCodec {
  dialect: Dialect;
  encodeRequest(
    req: CoreRequest,
    ctx: { upstreamModel: string; maxTokens: number | null; dropped: string[] },
  ): Record<string, unknown>;
  decodeResponse(body: Record<string, unknown>): CoreResponse;
  /** A fresh stateful decoder for one stream. */
  streamDecoder(): (ev: SseEvent) => CoreStreamEvent[];
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
  streamEncoder(ctx: { publicModel: string; includeUsage: boolean }): {
    push(ev: CoreStreamEvent): string;
    finish(usage: Usage): string;
  };
}
