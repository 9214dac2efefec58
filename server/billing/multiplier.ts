/** Price multipliers are integers in millionths: 1_000_000 is list price, 1_500_000 is 1.5x. */
export const PPM = 1_000_000;

const BIG_PPM = BigInt(PPM);

/** An amount at the multiplier, rounded up (a charge never undercuts the multiplied price). */
export function multiplyUp(amount: number, ppm: number): number {
  if (ppm === PPM || amount <= 0) return amount;
  const scaled = BigInt(amount) * BigInt(ppm);
  return Number((scaled + BIG_PPM - 1n) / BIG_PPM);
}

/** What `amount` of money buys at list prices under the multiplier, rounded down (at most MAX_SAFE_INTEGER). */
export function divideDown(amount: number, ppm: number): number {
  if (ppm === PPM || amount <= 0) return amount;
  const units = (BigInt(amount) * BIG_PPM) / BigInt(ppm);
  return units > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(units);
}

/** Multipliers a plan may set: 0.001 to 1000 (beyond, amounts would leave exact integers). */
export const MIN_PPM = 1_000;
export const MAX_PPM = 1_000 * PPM;

/** A decimal multiplier (1.25) as millionths, exactly; null when out of range or with more than 6 decimals. */
export function parseMultiplier(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const ppm = Math.round(value * PPM);
  return Math.abs(ppm / PPM - value) < 1e-12 && ppm >= MIN_PPM && ppm <= MAX_PPM ? ppm : null;
}
