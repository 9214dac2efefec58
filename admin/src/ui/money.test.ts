import { expect, test } from "bun:test";
import { decimalText, formatMoney } from "./money.ts";

test("amounts print exactly, from the number's shortest decimal form", () => {
  expect(formatMoney(0.000123, "USD")).toBe("0.000123 USD");
  expect(formatMoney(1e-9, "USD")).toBe("0.000000001 USD");
  expect(formatMoney(1.5e-7, "USD")).toBe("0.00000015 USD");
  expect(formatMoney(12.5, "USD")).toBe("12.50 USD");
  expect(formatMoney(1234567.123456789, "RUB")).toBe("1,234,567.123456789 RUB");
  expect(formatMoney(-2, "USD")).toBe("-2.00 USD");
  expect(formatMoney(0, "USD")).toBe("0.00 USD");
  expect(formatMoney(9.999999999, "USD")).toBe("9.999999999 USD");
  expect(decimalText(1e21)).toBe("1000000000000000000000");
});
