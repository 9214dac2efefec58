import {
  countIn,
  oneSpelling,
  refuseMultiplier,
  type TextBounds,
  unset,
  without,
} from "../../dialects/cost-bounds.ts";
import type { ChatRequest } from "./chat-schema.ts";

/** Both spellings of a chat completion's output cap; OpenAI reads either. */
export const CHAT_CAPS = ["max_completion_tokens", "max_tokens"] as const;

/** OpenAI's own limit on `n`. */
export const MAX_CHAT_CHOICES = 128;

/**
 * The cost bounds of a chat completion, and the body to forward: one cap field (the
 * spelling the client used; a provider may rename it, see providers/openai.ts), `n`
 * reserved as a multiplier, `best_of` other than 1 and `prediction` refused (an upstream
 * that honours them writes more than max_tokens per answer).
 */
export function chatBounds(body: ChatRequest): { bounds: TextBounds; body: ChatRequest } {
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
  const forwarded = without(body, CHAT_CAPS) as ChatRequest;
  if (cap) forwarded[cap.name] = maxTokens;
  return { bounds: { maxTokens, choices }, body: forwarded };
}
