import { describe, expect, test } from "bun:test";
import { parseAmount } from "./money.ts";
import { planReservation } from "./reserve-plan.ts";

const prices = { input: parseAmount(1)!, cachedInput: parseAmount(0.5)!, output: parseAmount(2)! }; // per 1M

describe("planReservation", () => {
  test("covers everything: reserve input + max_tokens at the model's prices", () => {
    const plan = planReservation({
      prices,
      inputTokens: 1000,
      requestedMaxTokens: 500,
      defaultMaxTokens: 4096,
      choices: 1,
      available: 10 ** 12,
    });
    // 1000*1 + 500*2 = 2000 per 1M -> 0.002 -> 2_000_000 nano
    expect(plan).toEqual({ ok: true, amount: 2_000_000, maxTokens: 500, clamped: false });
  });

  test("bounds the prompt with the dearest price a prompt token may cost: a one-hour cache write", () => {
    const plan = planReservation({
      prices: { ...prices, cacheWrite: parseAmount(1.25)!, cacheWrite1h: parseAmount(2)! },
      inputTokens: 1000,
      requestedMaxTokens: 500,
      defaultMaxTokens: 4096,
      choices: 1,
      available: 10 ** 12,
    });
    // 1000*2 + 500*2 = 3000 per 1M
    expect(plan).toEqual({ ok: true, amount: 3_000_000, maxTokens: 500, clamped: false });
  });

  test("uses the model's limit when the client asked for none, times n", () => {
    const plan = planReservation({
      prices,
      inputTokens: 0,
      requestedMaxTokens: null,
      defaultMaxTokens: 100,
      choices: 3,
      available: 10 ** 12,
    });
    expect(plan).toMatchObject({ ok: true, amount: 600_000, maxTokens: 100 });
  });

  test("lowers max_tokens to what the balance affords", () => {
    // input 1000 tokens = 1_000_000 nano; 1_200_000 available leaves 200_000 -> 100 output tokens at 2/1M
    const plan = planReservation({
      prices,
      inputTokens: 1000,
      requestedMaxTokens: 32000,
      defaultMaxTokens: 4096,
      choices: 1,
      available: 1_200_000,
    });
    expect(plan).toEqual({ ok: true, amount: 1_200_000, maxTokens: 100, clamped: true });
  });

  test("402 when even the input and a minimal answer do not fit", () => {
    const plan = planReservation({
      prices,
      inputTokens: 1000,
      requestedMaxTokens: 32000,
      defaultMaxTokens: 4096,
      choices: 1,
      available: 1_010_000,
    });
    expect(plan.ok).toBe(false);
  });

  test("free models always fit", () => {
    const free = { input: 0, cachedInput: 0, output: 0 };
    expect(
      planReservation({
        prices: free,
        inputTokens: 10 ** 6,
        requestedMaxTokens: null,
        defaultMaxTokens: 10,
        choices: 1,
        available: 0,
      }),
    ).toMatchObject({ ok: true, amount: 0 });
  });

  test("never plans more than is available", () => {
    for (let available = 0; available < 3_000_000; available += 7_919) {
      const plan = planReservation({
        prices,
        inputTokens: 777,
        requestedMaxTokens: 5000,
        defaultMaxTokens: 4096,
        choices: 2,
        available,
      });
      if (plan.ok) expect(plan.amount).toBeLessThanOrEqual(available);
    }
  });
});
