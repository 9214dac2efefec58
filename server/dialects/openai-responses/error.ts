import { type Json, obj, str } from "../../core/wire-json.ts";
import type { GatewayError } from "../../errors.ts";
import { openaiErrorBody } from "../openai-chat/error.ts";
import { streamedError } from "../stream-error.ts";
import { itemId } from "./encode-response.ts";

/**
 * The Responses API answers errors with OpenAI's error object (openai-chat/error.ts); inside
 * a stream an error is a `response.failed` (or `error`) event.
 */

/** A stream that broke ends with response.failed (what Codex and the SDKs read). */
export function failedEvent(err: GatewayError): Uint8Array {
  const e = openaiErrorBody(err).error;
  const data = {
    type: "response.failed",
    sequence_number: 0,
    response: {
      id: itemId("resp"),
      object: "response",
      status: "failed",
      output: [],
      error: { code: e.code, message: e.message },
    },
  };
  return new TextEncoder().encode(`event: response.failed\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A `response.failed` or `error` event an upstream sent, as a GatewayError. */
export function responsesStreamError(d: Json | undefined): GatewayError {
  const e = obj(obj(d?.response)?.error) ?? d ?? {};
  return streamedError(str(e.message));
}
