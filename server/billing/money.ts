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

/**
 * Per 1M tokens. `cacheWrite` prices prompt tokens written to the provider's cache
 * (Anthropic: 1.25x input for the 5-minute lifetime), `cacheWrite1h` those written for one
 * hour (2x); unset, a write costs the input price and a one-hour write the `cacheWrite` price.
 */
export type Prices = {
  input: number;
  cachedInput: number;
  output: number;
  cacheWrite?: number | null;
  cacheWrite1h?: number | null;
};
/** `input` includes `cached` and `cacheWrite`; `cacheWrite` includes `cacheWrite1h`. */
export type TokenCounts = {
  input: number;
  cached: number;
  output: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
};

const PER_MILLION = 1_000_000n;

/** The prices of a cache write: five-minute, one-hour. */
function writePrices(p: Prices): [number, number] {
  const w5m = p.cacheWrite ?? p.input;
  return [w5m, p.cacheWrite1h ?? w5m];
}

/** The dearest price a prompt token can be billed at (reservations bound the prompt with it). */
export function dearestInputPrice(p: Prices): number {
  return Math.max(p.input, p.cachedInput, ...writePrices(p));
}

/**
 * Cost of a call in nano-units: prices are per 1M tokens; `input` includes `cached`,
 * billed at the cached price, and cache writes, billed at the cache-write prices.
 * Rounded up once per call (at most 1 nano-unit).
 */
export function costOf(prices: Prices, t: TokenCounts): number {
  const cached = Math.min(t.cached, t.input);
  const writes = Math.min(t.cacheWrite ?? 0, t.input - cached);
  const writes1h = Math.min(t.cacheWrite1h ?? 0, writes);
  const [w5m, w1h] = writePrices(prices);
  const total =
    BigInt(t.input - cached - writes) * BigInt(prices.input) +
    BigInt(cached) * BigInt(prices.cachedInput) +
    BigInt(writes - writes1h) * BigInt(w5m) +
    BigInt(writes1h) * BigInt(w1h) +
    BigInt(t.output) * BigInt(prices.output);
  return Number((total + PER_MILLION - 1n) / PER_MILLION);
}

/** How many output tokens `budget` nano-units buy at `pricePerMillion` (floor). */
export function tokensAffordable(budget: number, pricePerMillion: number): number {
  if (pricePerMillion <= 0) return Number.MAX_SAFE_INTEGER;
  if (budget <= 0) return 0;
  return Number((BigInt(budget) * PER_MILLION) / BigInt(pricePerMillion));
}
