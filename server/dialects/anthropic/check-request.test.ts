import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Json } from "../../core/wire-json.ts";
import { agreesWithSchema, anyValue, fields, refusedByBoth } from "../../testing/schema-agreement.ts";
import { isMessagesRequest } from "./check-request.ts";
import { MessagesRequest } from "./schema.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

/** Messages requests: with `bad`, any field may hold a wrong value or be missing. */
function requests(bad: boolean): fc.Arbitrary<Json> {
  const { maybe, record } = fields(bad, ["x-extra", "cache_control", "top_k"], ["top_k"]);
  const source = maybe(
    fc.oneof(
      record(
        {
          type: fc.constant("base64"),
          media_type: maybe(fc.constant("image/png")),
          data: maybe(fc.string()),
        },
        ["type", "media_type", "data"],
      ),
      record({ type: fc.constant("url"), url: maybe(fc.string()) }, ["type", "url"]),
      record({ type: maybe(fc.constant("file")), file_id: anyValue }, ["type"]),
    ),
  );
  const block = maybe(
    fc.oneof(
      record({ type: fc.constant("text"), text: maybe(fc.string()) }, ["type", "text"]),
      record({ type: fc.constant("image"), source }, ["type", "source"]),
      record(
        { type: fc.constant("tool_use"), id: maybe(fc.string()), name: maybe(fc.string()), input: anyValue },
        ["type", "id", "name"],
      ),
      record({ type: fc.constant("tool_result"), tool_use_id: maybe(fc.string()), content: anyValue }, [
        "type",
        "tool_use_id",
      ]),
      record({ type: maybe(fc.constantFrom("thinking", "document")), data: anyValue }, ["type"]),
    ),
  );
  const content = fc.oneof(fc.string(), fc.array(block, { maxLength: 3 }));
  const message = maybe(
    record(
      {
        role: maybe(
          fc.oneof(
            { arbitrary: fc.constantFrom("user", "assistant", "system"), weight: 20 },
            { arbitrary: fc.constant("tool"), weight: 1 },
          ),
        ),
        content: maybe(content),
      },
      ["role", "content"],
    ),
  );
  const tool = maybe(
    record({ name: maybe(fc.string({ maxLength: 3 })), type: maybe(fc.string()), input_schema: anyValue }, [
      "name",
    ]),
  );
  return record(
    {
      model: maybe(fc.string({ minLength: bad ? 0 : 1, maxLength: 3 })),
      messages: maybe(fc.array(message, { minLength: bad ? 0 : 1, maxLength: 4 })),
      system: maybe(content),
      tools: maybe(fc.array(tool, { maxLength: 2 })),
      tool_choice: maybe(
        record(
          { type: maybe(fc.constantFrom("auto", "any", "tool", "none", "some")), name: maybe(fc.string()) },
          ["type"],
        ),
      ),
      thinking: maybe(
        record({ type: maybe(fc.constantFrom("enabled", "disabled")), budget_tokens: anyValue }, ["type"]),
      ),
      max_tokens: maybe(bad ? fc.integer() : fc.integer({ min: 1 })),
      stream: maybe(fc.boolean()),
      temperature: maybe(fc.double({ min: bad ? -1 : 0, max: bad ? 2 : 1, noNaN: true })),
      top_p: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
      stop_sequences: maybe(fc.array(fc.string(), { maxLength: 3 })),
      metadata: maybe(record({ user_id: maybe(fc.oneof(fc.string(), fc.constant(null))) })),
    },
    ["model", "messages"],
  ) as fc.Arbitrary<Json>;
}

describe("isMessagesRequest: the Messages schema by hand", () => {
  test(
    "generated requests: accepted only when the schema accepts them, and mostly the same way",
    () => agreesWithSchema(requests, isMessagesRequest, MessagesRequest, RUNS * 10),
    // Generous: 3,000 generated bodies take ~2 s alone and 8 s on a loaded 2-core machine.
    Math.max(30_000, RUNS * 100),
  );

  test("a coding agent's history is accepted; each wrong field is left to the schema", () => {
    const ok: Json = {
      model: "m",
      max_tokens: 100,
      system: [{ type: "text", text: "s", cache_control: { type: "ephemeral" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "t" },
            { type: "image", source: { type: "url", url: "u" } },
          ],
        },
        { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "r" }] },
      ],
      tools: [{ name: "f", input_schema: { type: "object" } }],
      stream: true,
    };
    expect(isMessagesRequest(ok)).toBe(true);
    const broken: Json[] = [
      { ...ok, messages: [] },
      { ...ok, messages: [{ role: "tool", content: "x" }] },
      { ...ok, messages: [{ role: "user" }] },
      {
        ...ok,
        messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", data: "x" } }] }],
      },
      { ...ok, messages: [{ role: "assistant", content: [{ type: "tool_use", id: "c" }] }] },
      { ...ok, tools: [{ name: "" }] },
      { ...ok, max_tokens: null },
      { ...ok, temperature: 1.5 },
      { ...ok, tool_choice: { type: "some" } },
    ];
    refusedByBoth(broken, isMessagesRequest, MessagesRequest);
  });
});
