import type { GatewayError } from "../errors.ts";
import type { StopReason } from "./response.ts";
import type { Usage } from "./usage.ts";

/**
 * Canonical stream events. Provider stream decoders emit them from the upstream's SSE;
 * surface stream encoders turn them into the client's SSE. Both are pure functions over
 * explicit state, unit-tested without a server; switches over this union end in a
 * `never` check.
 */
export type CoreStreamEvent =
  /** First event: identity of the answer. */
  | { type: "start"; id: string; model: string; created: number }
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; text: string; signature?: string }
  /** A tool call begins; `index` orders calls within the answer. */
  | { type: "tool_call_start"; index: number; id: string; name: string }
  /** A piece of a tool call's JSON arguments, in order. */
  | { type: "tool_call_delta"; index: number; arguments: string }
  /** A generated image (image-output models). */
  | { type: "image"; mediaType: string; data: string }
  /** Usage snapshot: each field present overwrites the previous value (never added). */
  | { type: "usage"; usage: Partial<Usage> }
  /** The answer is complete. */
  | { type: "stop"; reason: StopReason }
  /** The upstream reported an error inside the stream. */
  | { type: "error"; error: GatewayError };

export type CoreStreamEventType = CoreStreamEvent["type"];

/** Exhaustiveness guard for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(x)}`);
}
