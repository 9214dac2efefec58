/**
 * How a prompt counted with the tokenizer becomes a bound a reservation can rely on. The
 * gateway counts with one BPE (o200k) while each upstream bills with its own, and it counts
 * the messages, not every field an upstream may also read: hence a proportional margin and
 * a fixed slack on top of the count.
 */
export const TOKENIZER_MARGIN = 1.25;
export const TOKENIZER_SLACK = 16;

/** The prompt tokens a reservation assumes for a prompt the tokenizer counted as `counted`. */
export function countedPromptBound(counted: number): number {
  return Math.ceil(counted * TOKENIZER_MARGIN) + TOKENIZER_SLACK;
}

/** Reply priming and one message's framing (see tokens/count.ts): no chat prompt counts fewer. */
const EMPTY_PROMPT_TOKENS = 7;

/** The fewest prompt tokens any chat request is reserved for. */
export const SMALLEST_PROMPT_BOUND = countedPromptBound(EMPTY_PROMPT_TOKENS);
