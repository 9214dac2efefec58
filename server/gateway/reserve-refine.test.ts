import { describe, expect, test } from "bun:test";
import { parseAmount } from "../billing/money.ts";
import { countedPromptBound } from "../billing/prompt-bound.ts";
import { refinedPlan } from "./reserve-refine.ts";

// 1 and 2 per 1M tokens: 1000 and 2000 nano-units a token.
const prices = { input: parseAmount(1)!, cachedInput: parseAmount(0.5)!, output: parseAmount(2)! };
const base = (available: number) => ({
  prices,
  requestedMaxTokens: 100,
  defaultMaxTokens: 4096,
  choices: 1,
  available,
});
/** A prompt whose JSON is 4,000 bytes and whose text the tokenizer counts as 1,000 tokens. */
const BYTES = 4000;
const counter = () => {
  const c = {
    calls: 0,
    count: () => {
      c.calls++;
      return 1000;
    },
  };
  return c;
};
const tight = countedPromptBound(1000);

describe("refinedPlan", () => {
  test("money to spare: the byte bound, and the tokenizer never runs", () => {
    const c = counter();
    const plan = refinedPlan(base(10 ** 12), BYTES, c.count);
    expect(plan).toMatchObject({
      ok: true,
      maxTokens: 100,
      clamped: false,
      amount: (BYTES * 1000 + 100 * 2000) / 1,
    });
    expect(c.calls).toBe(0);
  });

  test("the byte bound would refuse: counted, and served", () => {
    const c = counter();
    const available = tight * 1000 + 100 * 2000;
    const plan = refinedPlan(base(available), BYTES, c.count);
    expect(plan).toEqual({ ok: true, amount: available, maxTokens: 100, clamped: false });
    expect(c.calls).toBe(1);
  });

  test("the byte bound would cut the answer: counted, and the whole max_tokens fits", () => {
    const c = counter();
    // The byte bound leaves 50 output tokens; the counted bound leaves more than 100.
    const available = BYTES * 1000 + 50 * 2000;
    const plan = refinedPlan(base(available), BYTES, c.count);
    expect(plan).toMatchObject({ ok: true, maxTokens: 100, clamped: false });
    expect(c.calls).toBe(1);
  });

  test("the byte bound would take more than half of what is left: counted, so a second call fits beside it", () => {
    const c = counter();
    const available = 1.5 * (BYTES * 1000 + 100 * 2000);
    const plan = refinedPlan(base(available), BYTES, c.count);
    expect(plan).toEqual({ ok: true, amount: tight * 1000 + 100 * 2000, maxTokens: 100, clamped: false });
    expect(c.calls).toBe(1);
  });

  test("a count no better than the byte bound keeps the byte bound", () => {
    // A 20-byte prompt bounds at 20 tokens, fewer than any count with its margin.
    const plan = refinedPlan(base(20 * 1000 + 50 * 2000), 20, () => 1000);
    expect(plan).toEqual({ ok: true, amount: 20 * 1000 + 50 * 2000, maxTokens: 50, clamped: true });
  });

  test("refused even when counted: the refusal names what the counted prompt needs", () => {
    const plan = refinedPlan(base(1000), BYTES, () => 1000);
    expect(plan).toEqual({ ok: false, needed: tight * 1000 + 16 * 2000, inputCost: tight * 1000 });
  });
});
