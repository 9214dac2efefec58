import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Json } from "../../core/wire-json.ts";
import { agreesWithSchema, anyValue, fields, refusedByBoth } from "../../testing/schema-agreement.ts";
import { isGenerateRequest } from "./check-request.ts";
import { GenerateRequest } from "./schema.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

/** generateContent requests: with `bad`, any field may hold a wrong value or be missing. */
function requests(bad: boolean): fc.Arbitrary<Json> {
  const { maybe, record } = fields(bad, ["x-extra", "safetySettings", "generation_config"]);
  const part = maybe(
    fc.oneof(
      record({ text: maybe(fc.string()) }),
      record({ inlineData: record({ mimeType: anyValue, data: anyValue }) }),
      record({ functionCall: anyValue }),
    ),
  );
  const content = maybe(
    record(
      {
        role: maybe(fc.constantFrom("user", "model")),
        parts: maybe(fc.array(part, { minLength: bad ? 0 : 1, maxLength: 3 })),
      },
      ["parts"],
    ),
  );
  return record(
    {
      contents: maybe(fc.array(content, { minLength: bad ? 0 : 1, maxLength: 4 })),
      tools: maybe(fc.array(maybe(record({ functionDeclarations: anyValue })), { maxLength: 2 })),
      generationConfig: maybe(record({ maxOutputTokens: anyValue })),
    },
    ["contents"],
  ) as fc.Arbitrary<Json>;
}

describe("isGenerateRequest: the generateContent schema by hand", () => {
  test(
    "generated requests: accepted only when the schema accepts them, and mostly the same way",
    () => agreesWithSchema(requests, isGenerateRequest, GenerateRequest, RUNS * 10),
    Math.max(30_000, RUNS * 100),
  );

  test("an agent's history is accepted; each wrong field is left to the schema", () => {
    const ok: Json = {
      systemInstruction: { parts: [{ text: "s" }] },
      contents: [
        { role: "user", parts: [{ text: "t" }] },
        { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: {} } }] },
      ],
      tools: [{ functionDeclarations: [{ name: "f" }] }],
      generationConfig: { maxOutputTokens: 10 },
    };
    expect(isGenerateRequest(ok)).toBe(true);
    const broken: Json[] = [
      { ...ok, contents: [] },
      { ...ok, contents: undefined },
      { ...ok, contents: [{ parts: [] }] },
      { ...ok, contents: [{ role: 1, parts: [{}] }] },
      { ...ok, contents: [{ parts: [null] }] },
      { ...ok, contents: [{ parts: [[]] }] },
      { ...ok, contents: [["x"]] },
      { ...ok, tools: [[]] },
      { ...ok, tools: {} },
    ];
    refusedByBoth(broken, isGenerateRequest, GenerateRequest);
  });
});
