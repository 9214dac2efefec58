import type { countTokens } from "gpt-tokenizer/encoding/o200k_base";

/**
 * Token counts with the o200k BPE (gpt-tokenizer), used only when an upstream reports no
 * usage (a cut or cancelled stream, a vendor without usage) and to refine a reservation.
 * Special-token text in user content is counted as plain text instead of throwing.
 *
 * The BPE ranks are loaded on first use, not at start: they take about 0.2-0.4 s and
 * 90 MB, and a gateway whose upstreams report usage may never need them. A replica on
 * Redis loads them at start instead (loadTokenizer).
 */
const ENCODE_OPTS = { disallowedSpecial: new Set<string>() };
let bpe: typeof countTokens | null = null;

/**
 * Loads the BPE ranks now. The load blocks the event loop (0.7 s of CPU, seconds on a
 * busy machine), and on a replica every Redis call in flight meanwhile passes its deadline
 * and becomes a 503: the first reservation a replica refines near the end of a balance did
 * that to its neighbours (server/tests/replicas-money.test.ts). Done before listening, it
 * costs start-up time instead.
 */
export function loadTokenizer(): typeof countTokens {
  bpe ??= (require("gpt-tokenizer/encoding/o200k_base") as { countTokens: typeof countTokens }).countTokens;
  return bpe;
}

export function countText(text: string): number {
  if (text.length === 0) return 0;
  return (bpe ?? loadTokenizer())(text, ENCODE_OPTS as never);
}

/** Tokens per message of chat framing (role, separators), as OpenAI's cookbook counts it. */
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
/** What one image is counted as when estimating (a 1024x1024 image at high detail). */
export const IMAGE_TOKENS_ESTIMATE = 765;

/** What one image may cost at most, unless the model says otherwise (`capabilities.max_image_tokens`). */
export const DEFAULT_IMAGE_TOKEN_BOUND = 2000;

/** The model's per-image token bound (`capabilities.max_image_tokens`), else the default. */
export function imageTokenBound(model: { capabilities: Record<string, unknown> }): number {
  const bound = model.capabilities.max_image_tokens;
  return typeof bound === "number" ? bound : DEFAULT_IMAGE_TOKEN_BOUND;
}

/**
 * A prompt counted with the tokenizer, its images kept apart: what an image costs depends
 * on the use. Billing a stream without reported usage takes the typical image
 * (`IMAGE_TOKENS_ESTIMATE`); bounding a reservation must take the model's worst case
 * (`imageTokenBound`), or an image-heavy prompt near the end of a balance is under-reserved.
 */
export type PromptCount = { tokens: number; images: number };

export function promptTokens(count: PromptCount, perImage = IMAGE_TOKENS_ESTIMATE): number {
  return count.tokens + count.images * perImage;
}

/**
 * Tokens of a prompt given as plain strings and a number of images: `parts` are the texts
 * of each message, joined per message by the caller.
 */
export function countPrompt(messages: string[], images: number, extra = ""): PromptCount {
  let n = REPLY_PRIMING;
  for (const m of messages) n += PER_MESSAGE + countText(m);
  return { tokens: n + countText(extra), images };
}
