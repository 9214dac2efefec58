import { badRequest } from "../errors.ts";

/**
 * What bounds the cost of a text call, read from the client's body before anything is
 * reserved: the output cap the client asked for (null: none, the model's limit applies)
 * and how many answers the upstream writes, each up to that cap. The reservation is
 * computed from these, and the upstream receives exactly these (see docs/cost-bounds.md).
 */
export type TextBounds = { maxTokens: number | null; choices: number };

type Body = Record<string, unknown>;

/** Unset in JSON terms: not sent, or sent as null (what every vendor reads as "not set"). */
export const unset = (v: unknown): boolean => v === undefined || v === null;

/** A client's value, short, for an error message. */
function shown(v: unknown): string {
  const s = typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * A count (output tokens, choices) as a whole number from 1 to `max`, else a 400 naming
 * the field. Strings, fractions, zero, negatives and unsafe integers are all refused: a
 * vendor may read "100" or 1.5 its own way, and a negative cap would make a negative
 * reservation, which frees money for every concurrent call.
 */
export function countIn(value: unknown, param: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= max) return value;
  throw badRequest(
    `'${param}' must be a whole number from 1 to ${max}; got ${shown(value)}.`,
    param,
    "invalid_value",
  );
}

/** The bounds of a dialect with one cap field and one answer per request (Messages, Responses). */
export function singleCap(value: unknown, param: string): TextBounds {
  return { maxTokens: unset(value) ? null : countIn(value, param), choices: 1 };
}

/** JSON equality of two client values (the same number, string, or structure). */
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The one value of a field a vendor accepts under several spellings (`max_tokens` and
 * `max_completion_tokens`, `maxOutputTokens` and `max_output_tokens`), with the spelling
 * the client used; null when none is set. Two spellings set to different values are a
 * 400: the upstream would honour one, and the reservation could only assume the other.
 */
export function oneSpelling(
  body: Body,
  names: readonly string[],
  where = "",
): { name: string; value: unknown } | null {
  let found: { name: string; value: unknown } | null = null;
  for (const name of names) {
    const value = body[name];
    if (unset(value)) continue;
    if (found && !same(found.value, value))
      throw badRequest(
        `'${where}${found.name}' (${shown(found.value)}) and '${where}${name}' (${shown(value)}) set the same limit to different values; send one of them.`,
        `${where}${name}`,
        "conflicting_fields",
      );
    found ??= { name, value };
  }
  return found;
}

/** `body` without any of `names`: the spellings the gateway replaces by the one it forwards. */
export function without(body: Body, names: readonly string[]): Body {
  const out = { ...body };
  for (const n of names) delete out[n];
  return out;
}

/**
 * A multiplier of the output the gateway cannot reserve for (`best_of`, `prediction`):
 * allowed unset or at its neutral value, else a 400 saying why, before anything is billed.
 */
export function refuseMultiplier(body: Body, name: string, why: string, neutral?: unknown): void {
  const value = body[name];
  if (unset(value) || (neutral !== undefined && same(value, neutral))) return;
  throw badRequest(
    `'${name}' is not accepted: ${why}, more than this gateway can reserve for. Remove it.`,
    name,
    "unsupported_feature",
  );
}
