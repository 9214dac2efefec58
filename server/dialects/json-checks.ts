/**
 * The pieces of zod's rules the hand-written request checks (each dialect's
 * `check-request.ts`, the pass-through path) are made of, so every check reads them the
 * way zod does.
 */

/** A JSON object (what zod's object schemas accept: not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** zod's number: finite (1e400 parses to Infinity, which zod refuses). */
export const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** zod's `int()`: a safe integer. */
export const safeInt = (v: unknown): v is number => Number.isSafeInteger(v);

/** zod's `.optional()`: absent, or passing `ok` (null is not absent). */
export const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);

/** zod's `.nullable().optional()`: absent, null, or passing `ok`. */
export const unsetOr = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || v === null || ok(v);

/** A string. */
export const isString = (v: unknown): v is string => typeof v === "string";
