import type { GatewayError } from "../errors.ts";
import type { SseEvent } from "../sse/parser.ts";
import type { Dialect } from "./dialect.ts";
import type { ProviderDialectCodec } from "./translate.ts";
import type { Usage } from "./usage.ts";

/**
 * An upstream's answer as a provider transport hands it over, in the wire format
 * `dialect`, with that dialect's decoders (`codec`) for a client that speaks another; null
 * for a format that is only ever passed through (Responses) or read by its caller (media).
 */
export type UpstreamResult = { dialect: Dialect; codec: ProviderDialectCodec | null; headers: Headers } & (
  | { kind: "json"; body: Record<string, unknown>; text: string }
  /** `events`: the events of each upstream chunk, in order. */
  | { kind: "stream"; events: AsyncIterable<SseEvent[]> }
);

/**
 * What a surface (the client's dialect) contributes to a metered call: how to count the
 * prompt, and how to turn an upstream result into the client's bytes while tapping usage.
 */
export interface SurfaceCodec {
  /**
   * Prompt tokens counted with the tokenizer: for when the upstream reports no usage, and
   * (with the model's per-image bound as `perImage`) to tighten a reservation.
   */
  countInput(perImage?: number): number;
  /** The client's body and the reported usage of a complete upstream answer. */
  json(result: Extract<UpstreamResult, { kind: "json" }>): {
    body: string;
    usage: Usage | null;
    outputText(): string;
  };
  /** A tap over the upstream's events producing the client's stream. */
  stream(result: Extract<UpstreamResult, { kind: "stream" }>): StreamTap;
  /** The bytes of an error event that ends a broken stream, in the client's dialect. */
  streamError(err: GatewayError): Uint8Array;
}

export interface StreamTap {
  /** Bytes to forward now for this upstream event, or null. */
  push(ev: SseEvent): Uint8Array | null;
  /** The upstream body ended; the tap decides whether what came was complete. */
  endOfInput(): void;
  /** The upstream signalled a complete answer. */
  readonly ended: boolean;
  /** The upstream reported an error inside the stream. */
  readonly failed: GatewayError | null;
  /** Some output (text, tool call) has been forwarded: time to first token is taken then. */
  readonly sawOutput: boolean;
  usage(): Usage | null;
  /** Everything generated so far, for counting output when no usage came. */
  outputText(): string;
  /** Bytes to send after the charge committed (usage chunk if asked, end marker). */
  finish(usage: Usage): Uint8Array;
}
