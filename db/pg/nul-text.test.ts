/**
 * PostgreSQL cannot store U+0000 (text refuses it, jsonb its escape); the group commit's batch
 * writes each as U+FFFD and leaves every other character, escaped backslashes included, as it
 * was. The gateway-level proof (a client's NUL served and billed) is server/tests/pg-nul-log-row.test.ts.
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { withoutNul } from "./queries/writes.ts";

test("a batch's JSON text: every NUL becomes U+FFFD, nothing else moves (backslashes and 'u0000' text included)", () => {
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.string({ unit: fc.constantFrom("\0", "\\", "u", "0", "a", '"') }),
        fc.string({ unit: fc.constantFrom("\0", "\\", "u", "0", "a", '"', "\ufffd") }),
      ),
      (row) => {
        const expected = Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k.replaceAll("\0", "\ufffd"), v.replaceAll("\0", "\ufffd")]),
        );
        expect(JSON.parse(withoutNul(JSON.stringify(row)))).toEqual(expected);
      },
    ),
    { numRuns: 3000 },
  );
});

test("text without a NUL is returned as it was", () => {
  const text = JSON.stringify({ a: "\\u0000 is six characters here", b: "ok" });
  expect(withoutNul(text)).toBe(text);
});
