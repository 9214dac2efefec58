import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Json } from "../../core/wire-json.ts";
import { agreesWithSchema, anyValue, fields, refusedByBoth } from "../../testing/schema-agreement.ts";
import { isResponsesRequest } from "./check-request.ts";
import { ResponsesRequest } from "./schema.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

/** Responses requests: with `bad`, any field may hold a wrong value or be missing. */
function requests(bad: boolean): fc.Arbitrary<Json> {
  const { maybe, record } = fields(bad, ["x-extra", "store", "include"]);
  const item = maybe(
    fc.oneof(
      record({ role: maybe(fc.constantFrom("user", "assistant", "developer")), content: anyValue }),
      record({ type: maybe(fc.constantFrom("function_call", "function_call_output")), call_id: anyValue }),
      record({ type: maybe(fc.constant("message")), role: maybe(fc.string()), content: anyValue }),
    ),
  );
  const tool = maybe(
    record({ type: maybe(fc.constantFrom("function", "web_search")), name: anyValue }, ["type"]),
  );
  const unsetOr = <T>(arb: fc.Arbitrary<T>) =>
    maybe(fc.oneof({ arbitrary: arb, weight: 4 }, fc.constant(null)));
  return record(
    {
      model: maybe(fc.string({ minLength: bad ? 0 : 1, maxLength: 3 })),
      input: maybe(fc.oneof(fc.string(), fc.array(item, { maxLength: 4 }))),
      instructions: unsetOr(fc.string()),
      stream: unsetOr(fc.boolean()),
      max_output_tokens: unsetOr(bad ? fc.integer() : fc.integer({ min: 1 })),
      temperature: unsetOr(fc.double({ min: bad ? -1 : 0, max: bad ? 3 : 2, noNaN: true })),
      top_p: unsetOr(fc.double({ min: bad ? -1 : 0, max: bad ? 2 : 1, noNaN: true })),
      tools: maybe(fc.array(tool, { maxLength: 3 })),
      tool_choice: maybe(
        fc.oneof(fc.constantFrom("auto", "none", "required"), record({ type: maybe(fc.string()) }, ["type"])),
      ),
      previous_response_id: unsetOr(fc.string()),
    },
    ["model"],
  ) as fc.Arbitrary<Json>;
}

describe("isResponsesRequest: the Responses schema by hand", () => {
  test(
    "generated requests: accepted only when the schema accepts them, and mostly the same way",
    () => agreesWithSchema(requests, isResponsesRequest, ResponsesRequest, RUNS * 10),
    Math.max(30_000, RUNS * 100),
  );

  test("a Codex history is accepted; each wrong field is left to the schema", () => {
    const ok: Json = {
      model: "m",
      instructions: "be brief",
      input: [
        { role: "user", content: [{ type: "input_text", text: "t" }] },
        { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "r" },
      ],
      tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
      tool_choice: "auto",
      max_output_tokens: 100,
      stream: true,
      store: false,
    };
    expect(isResponsesRequest(ok)).toBe(true);
    const broken: Json[] = [
      { ...ok, model: "" },
      { ...ok, input: [null] },
      { ...ok, input: [["x"]] },
      { ...ok, input: [{ role: 1 }] },
      { ...ok, max_output_tokens: 0 },
      { ...ok, max_output_tokens: 1.5 },
      { ...ok, max_output_tokens: 2 ** 53 },
      { ...ok, temperature: Infinity },
      { ...ok, top_p: 1.01 },
      { ...ok, tools: [{ name: "f" }] },
      { ...ok, tool_choice: { name: "f" } },
      { ...ok, stream: "yes" },
    ];
    refusedByBoth(broken, isResponsesRequest, ResponsesRequest);
  });
});
