import { expect, test } from "bun:test";
import { decimalText, formatMoney, localizeDecimal } from "./money.ts";

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

test("amounts follow the locale's marks and stay exact", () => {
  const nbsp = "\u00a0";
  expect(formatMoney(1234567.123456789, "RUB", "ru-RU")).toBe(`1${nbsp}234${nbsp}567,123456789 RUB`);
  expect(formatMoney(0.000123, "USD", "ru-RU")).toBe("0,000123 USD");
  expect(formatMoney(-2, "RUB", "ru-RU")).toBe("-2,00 RUB");
  expect(formatMoney(-0.5, "USD", "en-US")).toBe("-0.50 USD");
  expect(formatMoney(1e21, "USD", "en-US")).toBe("1,000,000,000,000,000,000,000.00 USD");
  expect(localizeDecimal("12.5", "ru-RU")).toBe("12,5");
});
