import { singleCap, type TextBounds } from "../cost-bounds.ts";
import type { ResponsesRequest } from "./schema.ts";

/**
 * The cost bounds of a Responses request: `max_output_tokens` (reasoning included, as
 * OpenAI counts it); the API has no choice count. Unset, the model's limit is reserved and sent.
 */
export const responsesBounds = (body: ResponsesRequest): TextBounds =>
  singleCap(body.max_output_tokens, "max_output_tokens");

/** Byte bound with each input image's URL (or data URL) replaced by a per-image bound. */
export function responsesInputBound(bodyBytes: number, body: ResponsesRequest, imageBound: number): number {
  let bound = bodyBytes;
  if (Array.isArray(body.input))
    for (const it of body.input) {
      const parts =
        (it as { content?: unknown; output?: unknown }).content ?? (it as { output?: unknown }).output;
      if (!Array.isArray(parts)) continue;
      for (const p of parts as { type?: unknown; image_url?: unknown }[])
        if (p?.type === "input_image") {
          if (typeof p.image_url === "string") bound -= p.image_url.length;
          bound += imageBound;
        }
    }
  return Math.max(bound, 1);
}
