import type { MediaPrices } from "../../db/schema/index.ts";

export type { MediaPrices };

/**
 * Prices beyond tokens: per generated image by size and quality, per second of video by
 * size or resolution. Lookups go from the most to the least specific key; costs are
 * nano-units in BigInt arithmetic, rounded up once per call.
 */

const norm = (s: string | null | undefined) => (s ?? "").trim().toLowerCase();

// Sizes and qualities are client text: tables are read with Object.hasOwn, so "constructor"
// or "__proto__" finds no price instead of something inherited from Object.prototype.

/** The price of one image of `size` and `quality`, or null when the model prices none. */
export function imagePrice(p: MediaPrices, size: string | null, quality: string | null): number | null {
  const table = p.image;
  if (!table) return null;
  const s = norm(size);
  const q = norm(quality);
  const keys = [s && q ? `${s}/${q}` : null, s || null, q ? `*/${q}` : null, "*"];
  for (const k of keys) if (k !== null && Object.hasOwn(table, k)) return table[k]!;
  return lookupCaseless(table, keys);
}

/**
 * The most one image can cost when the upstream chooses the size or the quality ("auto" or
 * unset: null here): the dearest price any choice it could make would be billed at. Every
 * size and quality the table names is tried, and one it does not name (priced by the
 * `*` entries); a size or quality the client fixed stays fixed.
 */
export function maxImagePrice(
  p: MediaPrices,
  quality: string | null,
  size: string | null = null,
): number | null {
  const table = p.image;
  if (!table) return null;
  const keys = Object.keys(table).map((k) => k.toLowerCase());
  // "\u0000" stands for a size the table does not name (never a key: keys are client-visible config).
  const sizes = size ? [size] : [...new Set(keys.map((k) => k.split("/")[0]!)), "\u0000"];
  const qualities = quality ? [quality] : [...new Set(keys.map((k) => k.split("/")[1] ?? null)), null];
  let max: number | null = null;
  for (const s of sizes)
    for (const q of qualities) {
      const price = imagePrice(p, s === "*" ? "\u0000" : s, q);
      if (price !== null && (max === null || price > max)) max = price;
    }
  return max;
}

/** The price of one second of video for the first key that has one (size, resolution...), else "*". */
export function videoSecondPrice(p: MediaPrices, keys: (string | null | undefined)[]): number | null {
  const table = p.videoSecond;
  if (!table) return null;
  const wanted = [...keys.map(norm).filter((k) => k !== ""), "*"];
  for (const k of wanted) if (Object.hasOwn(table, k)) return table[k]!;
  return lookupCaseless(table, wanted);
}

/** The dearest per-second price, for reserving before the size is known. */
export function maxVideoSecondPrice(p: MediaPrices): number | null {
  const values = Object.values(p.videoSecond ?? {});
  return values.length > 0 ? Math.max(...values) : null;
}

function lookupCaseless(table: Record<string, number>, keys: (string | null)[]): number | null {
  const lower = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  for (const k of keys) if (k !== null && lower.has(k)) return lower.get(k)!;
  return null;
}

/** `count` units at `price` each. */
export function unitsCost(price: number, count: number): number {
  return Number(BigInt(price) * BigInt(Math.max(0, Math.floor(count))));
}

/** `ms` milliseconds of video at `pricePerSecond`, rounded up to a whole nano-unit. */
export function secondsCost(pricePerSecond: number, ms: number): number {
  const total = BigInt(pricePerSecond) * BigInt(Math.max(0, Math.ceil(ms)));
  return Number((total + 999n) / 1000n);
}
