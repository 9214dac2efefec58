import { describe, expect, test } from "bun:test";
import {
  amountToNumber,
  costOf,
  dearestInputPrice,
  formatAmount,
  parseAmount,
  tokensAffordable,
} from "./money.ts";

describe("money", () => {
  test("parses decimals exactly into nano-units", () => {
    expect(parseAmount("0.01")).toBe(10_000_000);
    expect(parseAmount(0.1)).toBe(100_000_000);
    expect(parseAmount(95.498)).toBe(95_498_000_000);
    expect(parseAmount("0.000000001")).toBe(1);
    expect(parseAmount(1e-7)).toBe(100);
    expect(parseAmount("-2.5")).toBe(-2_500_000_000);
    expect(parseAmount("1.0000000001")).toBeNull();
    expect(parseAmount("abc")).toBeNull();
    expect(parseAmount(Number.NaN)).toBeNull();
    expect(parseAmount("99999999999")).toBeNull();
  });

  test("formats exactly and round-trips", () => {
    expect(formatAmount(10_000_000)).toBe("0.01");
    expect(formatAmount(-1)).toBe("-0.000000001");
    expect(formatAmount(95_498_000_000)).toBe("95.498");
    expect(amountToNumber(123_456_789_012)).toBe(123.456789012);
    for (const v of ["0.3", "1234567.123456789", "0.000000007"])
      expect(formatAmount(parseAmount(v)!)).toBe(v);
  });

  test("a price of 0.01 per 1M tokens is 10 units per token", () => {
    const p = parseAmount("0.01")!;
    expect(costOf({ input: p, cachedInput: 0, output: p }, { input: 1, cached: 0, output: 0 })).toBe(10);
  });

  test("cost uses the cached price for cached input and rounds up once", () => {
    const prices = { input: parseAmount(3)!, cachedInput: parseAmount(0.3)!, output: parseAmount(15)! };
    // 1000 input of which 400 cached, 200 output: 600*3 + 400*0.3 + 200*15 = 1800+120+3000 = 4920 per 1M
    expect(costOf(prices, { input: 1000, cached: 400, output: 200 })).toBe(4_920_000);
    expect(costOf({ input: 1, cachedInput: 0, output: 0 }, { input: 1, cached: 0, output: 0 })).toBe(1);
    // Large counts at large prices stay exact (BigInt inside).
    expect(
      costOf(
        { input: parseAmount(150)!, cachedInput: 0, output: 0 },
        { input: 10_000_000, cached: 0, output: 0 },
      ),
    ).toBe(1500 * 1_000_000_000);
  });

  test("cache writes: at the cache-write prices (five-minute, one-hour), the input price when unset", () => {
    const [input, cached, w5m, w1h, output] = ["3", "0.3", "3.75", "6", "15"].map((v) => parseAmount(v)!);
    const prices = {
      input: input!,
      cachedInput: cached!,
      output: output!,
      cacheWrite: w5m,
      cacheWrite1h: w1h,
    };
    // 2000 input: 400 cached, 1000 written (300 for one hour), 600 plain; 100 output.
    // 600*3 + 400*0.3 + 700*3.75 + 300*6 + 100*15 = 1800+120+2625+1800+1500 = 7845 per 1M
    const t = { input: 2000, cached: 400, cacheWrite: 1000, cacheWrite1h: 300, output: 100 };
    expect(costOf(prices, t)).toBe(7_845_000);
    // No cache-write prices: every write at the input price, as before they existed.
    expect(costOf({ input: input!, cachedInput: cached!, output: output! }, t)).toBe(
      costOf(
        { input: input!, cachedInput: cached!, output: output! },
        { input: 2000, cached: 400, output: 100 },
      ),
    );
    // Only the five-minute price: one-hour writes cost that too.
    expect(costOf({ ...prices, cacheWrite1h: null }, t)).toBe(7_845_000 - 300 * 2_250);
    // Counts that do not add up are clamped, never billed twice.
    expect(costOf(prices, { input: 100, cached: 80, cacheWrite: 500, cacheWrite1h: 900, output: 0 })).toBe(
      costOf(prices, { input: 100, cached: 80, cacheWrite: 20, cacheWrite1h: 20, output: 0 }),
    );
    expect(dearestInputPrice(prices)).toBe(w1h!);
    expect(dearestInputPrice({ input: input!, cachedInput: cached!, output: output! })).toBe(input!);
  });

  test("tokens affordable floors", () => {
    expect(tokensAffordable(25, 10_000_000)).toBe(2);
    expect(tokensAffordable(100, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(tokensAffordable(-5, 10)).toBe(0);
  });
});
