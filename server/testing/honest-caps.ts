/**
 * The mocks' `honestCaps` mode: an upstream that writes as much as the request lets it
 * (every answer up to the output cap it reads) and reports that usage truthfully. What it
 * reads is what a real vendor's parser would: every spelling of the cap it accepts, and
 * when two are sent, either the first one it meets or the last (the two ways JSON parsers
 * settle a duplicate), so a gateway that forwards two caps is caught whichever it is.
 */
export type ReadingOrder = "first" | "last";

/** The cost-bearing fields of one request, as the vendor meets them, in the order they were sent. */
export type CostFields = {
  /** Every spelling of the output cap that is set. */
  caps: unknown[];
  /** Each multiplier of the answers (`n`, `best_of`, `candidateCount`), with its spellings set. */
  multipliers: unknown[][];
  /** Output billed beyond the cap (OpenAI's rejected prediction tokens). */
  beyondCap?: number;
};

/** What the model writes when nothing caps it. */
export const UNCAPPED_OUTPUT = 100_000;

/** The values of `names` set (not null) in `o`, in the order `o` holds them. */
export function setFields(o: unknown, names: readonly string[]): unknown[] {
  if (o === null || typeof o !== "object" || Array.isArray(o)) return [];
  const rec = o as Record<string, unknown>;
  return Object.keys(rec).flatMap((k) => (names.includes(k) && rec[k] != null ? [rec[k]] : []));
}

/** A count as a lenient vendor reads one: a positive integer or its decimal text (proto-JSON int64); else unset. */
function count(v: unknown): number | null {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : null;
}

function read(values: unknown[], order: ReadingOrder): number | null {
  return count(order === "first" ? values[0] : values.at(-1));
}

/** The output tokens an honest upstream writes and reports for a request. */
export function honestOutput(f: CostFields, order: ReadingOrder): number {
  const cap = Math.min(read(f.caps, order) ?? UNCAPPED_OUTPUT, UNCAPPED_OUTPUT);
  const answers = Math.max(1, ...f.multipliers.map((m) => read(m, order) ?? 1));
  return cap * answers + (f.beyondCap ?? 0);
}
