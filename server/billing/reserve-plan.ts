import { costOf, dearestInputPrice, type Prices, tokensAffordable } from "./money.ts";

/** Below this many output tokens a clamped answer is useless: answer 402 instead. */
export const MIN_OUTPUT_TOKENS = 16;

export type PlanInput = {
  prices: Prices;
  /** Upper bound of the prompt's tokens. */
  inputTokens: number;
  /** max_tokens the client asked for, or null. */
  requestedMaxTokens: number | null;
  /** The model's output limit, used when the client asked for none. */
  defaultMaxTokens: number;
  /** The model's declared output limit: a larger request is lowered to it (it could not write more). */
  modelMaxTokens?: number | null;
  /** Number of choices (`n`): each may produce max_tokens. */
  choices: number;
  /** Nano-units the key may still spend now. */
  available: number;
};

export type Plan =
  | { ok: true; amount: number; maxTokens: number; clamped: boolean }
  | { ok: false; needed: number; inputCost: number };

/**
 * The most a request can cost, and whether the balance covers it. When it covers the
 * input and some output but not all of max_tokens, max_tokens is lowered to what the
 * balance affords (OpenRouter answers 402 here, and coding agents ask for 32,000).
 */
export function planReservation(p: PlanInput): Plan {
  // The surfaces validate every bound; what reaches here is a count, or a bug to stop at.
  for (const [name, n] of [
    ["requestedMaxTokens", p.requestedMaxTokens ?? 1],
    ["defaultMaxTokens", p.defaultMaxTokens],
    ["modelMaxTokens", p.modelMaxTokens ?? 1],
    ["choices", p.choices],
  ] as const)
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`planReservation: ${name} is ${n}`);
  if (!Number.isSafeInteger(p.inputTokens) || p.inputTokens < 0)
    throw new RangeError(`planReservation: inputTokens is ${p.inputTokens}`);
  const outLimit = Math.min(p.requestedMaxTokens ?? p.defaultMaxTokens, p.modelMaxTokens ?? Infinity);
  const choices = p.choices;
  // Which prompt tokens the provider reads from or writes to its cache is known only
  // afterwards: bound every prompt token with the dearest price it can be billed at.
  const prices = { ...p.prices, input: dearestInputPrice(p.prices) };
  const full = costOf(prices, { input: p.inputTokens, cached: 0, output: outLimit * choices });
  if (full <= p.available)
    return { ok: true, amount: assertReservation(full), maxTokens: outLimit, clamped: false };

  const inputCost = costOf(prices, { input: p.inputTokens, cached: 0, output: 0 });
  const minOut = Math.min(outLimit, MIN_OUTPUT_TOKENS);
  const needed = costOf(prices, { input: p.inputTokens, cached: 0, output: minOut * choices });
  let maxTokens = Math.min(
    outLimit,
    Math.floor(tokensAffordable(p.available - inputCost, prices.output) / choices),
  );
  if (maxTokens < minOut) return { ok: false, needed, inputCost };
  let amount = costOf(prices, { input: p.inputTokens, cached: 0, output: maxTokens * choices });
  // costOf rounds up once; step down until it fits (free output: no step would help).
  while (amount > p.available && maxTokens > minOut && prices.output > 0) {
    maxTokens--;
    amount = costOf(prices, { input: p.inputTokens, cached: 0, output: maxTokens * choices });
  }
  if (amount > p.available) return { ok: false, needed, inputCost };
  return { ok: true, amount: assertReservation(amount), maxTokens, clamped: maxTokens < outLimit };
}

/**
 * A reservation is a whole, non-negative number of nano-units: a negative one would add
 * to what every concurrent call of the account may spend. Checked where one is made.
 */
export function assertReservation(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`invalid reservation: ${amount}`);
  return amount;
}
