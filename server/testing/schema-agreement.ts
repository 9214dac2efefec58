import { expect } from "bun:test";
import fc from "fast-check";
import type { z } from "zod";
import type { Json } from "../core/wire-json.ts";

/**
 * For the property tests of a dialect's hand-written request check (the pass-through path's
 * `check-request.ts`) against its zod schema: generated requests, and the agreement itself.
 */

/** Anything a field may hold, the numbers at zod's edges included (1e400 parses to Infinity). */
export const anyValue = fc.oneof(
  fc.constantFrom(null, true, 0, -0, 1, -1, 1.5, 2, 2.5, 128, 129, 2 ** 53, Infinity, "", "x", [], {}, ["x"]),
  fc.constantFrom({ type: "x" }, { name: "n" }, { include_usage: true }, { include_usage: 1 }, ["a", "b"]),
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * Builders of generated objects. With `bad`, any field may hold a wrong value (`maybe`) or be
 * missing; without, the `required` fields are always there. A stray field (one of `strays`,
 * any value; only with `bad` for the `strict` ones) comes now and then.
 */
export function fields(bad: boolean, strays: string[] = ["x-extra"], strict: string[] = []) {
  const maybe = <T>(arb: fc.Arbitrary<T>) =>
    bad ? fc.oneof({ arbitrary: arb, weight: 8 }, { arbitrary: anyValue, weight: 1 }) : arb;
  const record = (spec: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) =>
    fc
      .tuple(
        fc.record(spec, { requiredKeys: bad ? [] : required }),
        fc.option(fc.tuple(fc.constantFrom(...strays), anyValue), { nil: undefined }),
      )
      .map(([o, extra]) =>
        extra && (bad || !strict.includes(extra[0])) ? { ...o, [extra[0]]: extra[1] } : o,
      );
  return { maybe, record };
}

/**
 * Generated requests (half with wrong fields): the hand check accepts one only when the
 * schema does, and refuses none the schema accepts; `runs` requests at least a third of
 * which both accept (else the generator proves nothing).
 */
export function agreesWithSchema(
  requests: (bad: boolean) => fc.Arbitrary<Json>,
  check: (body: Json) => boolean,
  schema: z.ZodType,
  runs: number,
): void {
  let both = 0;
  let onlySchema = 0;
  fc.assert(
    fc.property(fc.boolean().chain(requests), (body) => {
      const mine = check(body);
      const theirs = schema.safeParse(body).success;
      if (mine) expect(theirs).toBe(true);
      if (mine && theirs) both++;
      if (!mine && theirs) onlySchema++;
    }),
    { numRuns: runs },
  );
  expect(both).toBeGreaterThan(runs / 30);
  expect(onlySchema).toBe(0);
}

/** Requests each wrong in one field: refused by the hand check and by the schema alike. */
export function refusedByBoth(bodies: Json[], check: (body: Json) => boolean, schema: z.ZodType): void {
  for (const b of bodies) {
    expect(check(b)).toBe(false);
    expect(schema.safeParse(b).success).toBe(false);
  }
}
