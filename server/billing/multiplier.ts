/** Price multipliers are integers in millionths: 1_000_000 is list price, 1_500_000 is 1.5x. */
export const PPM = 1_000_000;

const BIG_PPM = BigInt(PPM);

/** An amount at the multiplier, rounded up (a charge never undercuts the multiplied price). */
export function multiplyUp(amount: number, ppm: number): number {
  if (ppm === PPM || amount <= 0) return amount;
  const scaled = BigInt(amount) * BigInt(ppm);
  return Number((scaled + BIG_PPM - 1n) / BIG_PPM);
}

/** What `amount` of money buys at list prices under the multiplier, rounded down. */
export function divideDown(amount: number, ppm: number): number {
  if (ppm === PPM || amount <= 0) return amount;
  return Number((BigInt(amount) * BIG_PPM) / BigInt(ppm));
}

/** A decimal multiplier (1.25) as millionths, exactly; null when it has more than 6 decimals. */
export function parseMultiplier(value: number): number | null {
  const ppm = Math.round(value * PPM);
  return Number.isFinite(value) && value > 0 && Math.abs(ppm / PPM - value) < 1e-12 && ppm > 0 ? ppm : null;
}
