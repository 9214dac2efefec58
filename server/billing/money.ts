/**
 * Money is an integer count of nano-units (1e-9) of the deployment currency.
 * That makes a price of 0.01 per 1M tokens exactly 10 units per token, and keeps every
 * balance below Number.MAX_SAFE_INTEGER up to about 9 million currency units.
 * Products of token counts and prices overflow 2^53, so cost arithmetic runs in BigInt.
 */
export const UNITS_PER_CURRENCY = 1_000_000_000;
const SCALE_DIGITS = 9;
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal amount (number or string) into nano-units exactly; null when not representable. */
export function parseAmount(value: number | string): number | null {
  const text = typeof value === "number" ? numberToPlain(value) : value.trim();
  if (text === null) return null;
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const [, sign, whole, frac = ""] = m;
  if (frac.length > SCALE_DIGITS && /[1-9]/.test(frac.slice(SCALE_DIGITS))) return null;
  const units =
    BigInt(whole ?? "0") * BigInt(UNITS_PER_CURRENCY) +
    BigInt(frac.slice(0, SCALE_DIGITS).padEnd(SCALE_DIGITS, "0"));
  if (units > BigInt(MAX_AMOUNT)) return null;
  return Number(sign ? -units : units);
}

/** Number -> plain decimal text without exponent; JS prints the shortest round-trip form. */
function numberToPlain(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // 1e-7 and friends: toFixed with enough digits is exact for the values we accept.
  return n
    .toFixed(SCALE_DIGITS + 3)
    .replace(/0+$/, "")
    .replace(/\.$/, "");
}

/** Exact decimal text of an amount, trailing zeros trimmed ("12.5", "-0.000000001"). */
export function formatAmount(units: number): string {
  const neg = units < 0;
  const abs = BigInt(Math.abs(units));
  const whole = abs / BigInt(UNITS_PER_CURRENCY);
  const frac = (abs % BigInt(UNITS_PER_CURRENCY)).toString().padStart(SCALE_DIGITS, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** The amount as a JSON number in currency units (what the client and admin APIs show). */
export function amountToNumber(units: number): number {
  return Number(formatAmount(units));
}

export type Prices = { input: number; cachedInput: number; output: number };
export type TokenCounts = { input: number; cached: number; output: number };

const PER_MILLION = 1_000_000n;

/**
 * Cost of a call in nano-units: prices are per 1M tokens; `input` includes `cached`,
 * which is billed at the cached price. Rounded up once per call (at most 1 nano-unit).
 */
export function costOf(prices: Prices, t: TokenCounts): number {
  const cached = Math.min(t.cached, t.input);
  const total =
    BigInt(t.input - cached) * BigInt(prices.input) +
    BigInt(cached) * BigInt(prices.cachedInput) +
    BigInt(t.output) * BigInt(prices.output);
  return Number((total + PER_MILLION - 1n) / PER_MILLION);
}

/** How many output tokens `budget` nano-units buy at `pricePerMillion` (floor). */
export function tokensAffordable(budget: number, pricePerMillion: number): number {
  if (pricePerMillion <= 0) return Number.MAX_SAFE_INTEGER;
  if (budget <= 0) return 0;
  return Number((BigInt(budget) * PER_MILLION) / BigInt(pricePerMillion));
}
