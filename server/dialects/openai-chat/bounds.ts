import { countIn, oneSpelling, refuseMultiplier, type TextBounds, unset } from "../cost-bounds.ts";
import type { ChatRequest } from "./schema.ts";

/** Both spellings of a chat completion's output cap; OpenAI reads either. */
export const CHAT_CAPS = ["max_completion_tokens", "max_tokens"] as const;

/** OpenAI's own limit on `n`. */
export const MAX_CHAT_CHOICES = 128;

/**
 * The cost bounds of a chat completion, read from its top-level fields, and the changes
 * that make the body forwarded carry exactly them: one cap field (the spelling the client
 * used; a provider may rename it, see providers/openai/index.ts), `n` reserved as a
 * multiplier, `best_of` other than 1 and `prediction` refused (an upstream that honours
 * them writes more than max_tokens per answer).
 */
export function chatBounds(body: Record<string, unknown>): {
  bounds: TextBounds;
  changes: Record<string, unknown>;
} {
  const cap = oneSpelling(body, CHAT_CAPS);
  const maxTokens = cap ? countIn(cap.value, cap.name) : null;
  const choices = unset(body.n) ? 1 : countIn(body.n, "n", MAX_CHAT_CHOICES);
  refuseMultiplier(
    body,
    "best_of",
    "an upstream that honours it writes best_of answers for each one returned",
    1,
  );
  refuseMultiplier(
    body,
    "prediction",
    "predicted output tokens the answer does not use are billed as output",
  );
  const changes: Record<string, unknown> = { max_completion_tokens: undefined, max_tokens: undefined };
  if (cap) changes[cap.name] = maxTokens;
  return { bounds: { maxTokens, choices }, changes };
}

/**
 * An upper bound of the prompt's tokens without tokenizing: a BPE token is at least one
 * byte, so the JSON body's byte length bounds its text (chat framing included). Image
 * URLs are replaced by a per-image bound, since a data: URL's bytes say nothing of its tokens.
 */
export function chatInputBound(bodyBytes: number, req: ChatRequest, imageBound: number): number {
  let bound = bodyBytes;
  for (const m of req.messages) {
    if (!Array.isArray(m.content)) continue;
    for (const p of m.content) {
      if (p.type !== "image_url") continue;
      const url = (p as { image_url?: { url?: unknown } }).image_url?.url;
      if (typeof url === "string") bound -= url.length;
      bound += imageBound;
    }
  }
  return Math.max(bound, 1);
}
