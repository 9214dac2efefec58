import type { GatewayError } from "../../errors.ts";
import { streamedError } from "../stream-error.ts";

/** An error object Yandex may put in a stream line ({error: {message}}). */
export function yandexStreamError(body: Record<string, unknown>): GatewayError | null {
  const e = body.error;
  if (!e || typeof e !== "object") return null;
  const msg = (e as Record<string, unknown>).message;
  return streamedError(typeof msg === "string" ? msg : null, {
    fallback: "YandexGPT reported an error in the stream.",
  });
}
