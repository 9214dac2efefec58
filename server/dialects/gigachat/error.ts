import type { GatewayError } from "../../errors.ts";
import { streamedError } from "../stream-error.ts";

/** An error object GigaChat may put in a stream ({status, message}). */
export function gigachatStreamError(o: Record<string, unknown>): GatewayError | null {
  if (Array.isArray(o.choices)) return null;
  const msg = typeof o.message === "string" ? o.message : null;
  if (msg === null && o.status === undefined) return null;
  return streamedError(msg, { fallback: "GigaChat reported an error in the stream." });
}
