import { currentLocale } from "../i18n/index.ts";

/**
 * Exact display of amounts. The API sends decimal JSON numbers whose shortest round-trip
 * text is the ledger's exact value (at most 9 decimals); we print that text, never a
 * rounded float: 0.000123 stays 0.000123, 12.5 shows as 12.50.
 */
export function decimalText(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign = "", int = "", frac = "", expText = "0"] = m;
  const digits = int + frac;
  const point = int.length + Number(expText);
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + out.replace(/^0+(?=\d)/, "");
}

/**
 * A decimal string ("-1234.5") in the locale's digits grouping, decimal mark and minus sign,
 * exactly: the integer part goes through Intl as a BigInt, the fraction is copied as it is.
 */
export function localizeDecimal(text: string, locale: string, minFraction = 0): string {
  const [int = "0", frac = ""] = text.split(".");
  const parts = new Intl.NumberFormat(locale).formatToParts(-1.5);
  const mark = (type: string, fallback: string) => parts.find((p) => p.type === type)?.value ?? fallback;
  const grouped = new Intl.NumberFormat(locale).format(BigInt(int.replace("-", "")));
  const fraction = frac.padEnd(minFraction, "0");
  return `${int.startsWith("-") ? mark("minusSign", "-") : ""}${grouped}${fraction ? mark("decimal", ".") + fraction : ""}`;
}

/**
 * "1,234.50 USD", "0.000123 USD", "-2.00 RUB" (en); "1 234,50 RUB" (ru): at least 2
 * decimals, never fewer than the ledger's.
 */
export function formatMoney(n: number, currency: string, locale = currentLocale()): string {
  return `${localizeDecimal(decimalText(n), locale, 2)} ${currency}`;
}

/** Axis ticks are chart scale values, not ledger amounts: trimmed to 6 significant digits. */
export const axisMoney = (n: number, locale = currentLocale()) =>
  localizeDecimal(decimalText(Number(n.toPrecision(6))), locale);

/** A decimal amount typed by a person, sent to the API as text so nothing is lost on the way. */
export const AMOUNT_PATTERN = /^\d+(\.\d{1,9})?$/;
