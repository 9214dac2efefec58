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

/** "1,234.50 USD", "0.000123 USD", "-2.00 RUB": at least 2 decimals, never fewer than the ledger's. */
export function formatMoney(n: number, currency: string): string {
  const [int = "0", frac = ""] = decimalText(n).split(".");
  const neg = int.startsWith("-");
  const grouped = int.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${grouped}.${frac.padEnd(2, "0")} ${currency}`;
}

/** Axis ticks are chart scale values, not ledger amounts: trimmed to 6 significant digits. */
export const axisMoney = (n: number) => decimalText(Number(n.toPrecision(6)));

/** A decimal amount typed by a person, sent to the API as text so nothing is lost on the way. */
export const AMOUNT_PATTERN = /^\d+(\.\d{1,9})?$/;
