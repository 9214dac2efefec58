import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Json } from "../../core/wire-json.ts";
import { agreesWithSchema, anyValue, fields, refusedByBoth } from "../../testing/schema-agreement.ts";
import { isChatRequest } from "./check-request.ts";
import { ChatRequest } from "./schema.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

/**
 * Chat requests: with `bad`, any field may hold a wrong value or be missing; without, every
 * field has its type (only the enumerations and the strings may still be refused).
 */
function requests(bad: boolean): fc.Arbitrary<Json> {
  const { maybe, record } = fields(bad, ["x-extra", "metadata", "seed"], ["seed"]);
  const url = fc.constantFrom(
    "https://x/y.png",
    "http://x",
    "data:image/png;base64,AAAA",
    "ftp://x",
    "data:text/plain;base64,AA",
  );
  const part = maybe(
    fc.oneof(
      record({ type: fc.constant("text"), text: maybe(fc.string()) }, ["type", "text"]),
      record(
        {
          type: fc.constant("image_url"),
          image_url: maybe(
            record({ url: maybe(url), detail: maybe(fc.constantFrom("auto", "low", "high", "max")) }, [
              "url",
            ]),
          ),
        },
        ["type", "image_url"],
      ),
      record({ type: maybe(fc.constantFrom("input_audio", "file")), input_audio: anyValue }, ["type"]),
    ),
  );
  const toolCall = maybe(
    record(
      {
        id: maybe(fc.string()),
        type: maybe(fc.constant("function")),
        function: maybe(
          record({ name: maybe(fc.string()), arguments: maybe(fc.string()) }, ["name", "arguments"]),
        ),
      },
      ["id", "type"],
    ),
  );
  const message = maybe(
    record(
      {
        role: maybe(
          fc.oneof(
            {
              arbitrary: fc.constantFrom("system", "developer", "user", "assistant", "tool", "function"),
              weight: 20,
            },
            { arbitrary: fc.constant("wizard"), weight: 1 },
          ),
        ),
        content: maybe(fc.oneof(fc.string(), fc.constant(null), fc.array(part, { maxLength: 3 }))),
        name: maybe(fc.string()),
        tool_calls: maybe(fc.array(toolCall, { maxLength: 2 })),
        tool_call_id: maybe(fc.string()),
      },
      ["role"],
    ),
  );
  const tool = maybe(
    record(
      {
        type: maybe(fc.constant("function")),
        function: maybe(
          record(
            {
              name: maybe(fc.string({ maxLength: 3 })),
              parameters: maybe(fc.dictionary(fc.string({ maxLength: 3 }), anyValue, { maxKeys: 2 })),
            },
            ["name"],
          ),
        ),
      },
      ["type"],
    ),
  );
  return record(
    {
      model: maybe(fc.string({ minLength: bad ? 0 : 1, maxLength: 3 })),
      messages: maybe(fc.array(message, { minLength: bad ? 0 : 1, maxLength: 4 })),
      tools: maybe(fc.array(tool, { maxLength: 2 })),
      max_tokens: maybe(bad ? fc.integer() : fc.integer({ min: 1 })),
      stream: maybe(fc.boolean()),
      temperature: maybe(fc.double({ min: bad ? -1 : 0, max: bad ? 3 : 2, noNaN: true })),
      response_format: maybe(
        record(
          {
            type: maybe(fc.constantFrom("text", "json_object", "json_schema")),
            json_schema: fc.oneof(record({ name: maybe(fc.string()) }, ["name"]), anyValue),
          },
          ["type"],
        ),
      ),
      stream_options: maybe(fc.oneof(fc.constant(null), record({ include_usage: maybe(fc.boolean()) }))),
      max_completion_tokens: maybe(fc.oneof(fc.constant(null), fc.integer({ min: 1 }))),
      n: maybe(fc.integer({ min: 1, max: 128 })),
      top_p: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
      stop: maybe(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 5 }), fc.constant(null))),
      seed: maybe(fc.oneof(fc.integer(), fc.constant(null))),
      tool_choice: maybe(fc.oneof(fc.string(), record({ type: maybe(fc.string()) }, ["type"]))),
    },
    ["model", "messages"],
  ) as fc.Arbitrary<Json>;
}

describe("isChatRequest: the chat schema by hand", () => {
  test(
    "generated requests: accepted only when the schema accepts them, and mostly the same way",
    () => agreesWithSchema(requests, isChatRequest, ChatRequest, RUNS * 10),
    // Generous: 3,000 generated bodies take ~2 s alone and 8 s on a loaded 2-core machine.
    Math.max(30_000, RUNS * 100),
  );

  test("an agent's history is accepted; each wrong field is left to the schema", () => {
    const ok: Json = {
      model: "m",
      messages: [
        { role: "system", content: "s" },
        {
          role: "user",
          content: [
            { type: "text", text: "t" },
            { type: "image_url", image_url: { url: "https://x" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "r" },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      max_tokens: 10,
    };
    expect(isChatRequest(ok)).toBe(true);
    const broken: Json[] = [
      { ...ok, messages: [] },
      { ...ok, messages: [{ role: "wizard", content: "x" }] },
      {
        ...ok,
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }],
      },
      { ...ok, messages: [{ role: "user", content: [{ type: "text" }] }] },
      { ...ok, messages: [{ role: "user", name: null }] },
      {
        ...ok,
        messages: [{ role: "assistant", tool_calls: [{ id: "c", type: "function", function: null }] }],
      },
      { ...ok, tools: [{ type: "function", function: { name: "" } }] },
      { ...ok, tools: [{ type: "function", function: { name: "f", parameters: [] } }] },
      { ...ok, temperature: 7 },
      { ...ok, model: "" },
    ];
    refusedByBoth(broken, isChatRequest, ChatRequest);
  });
});
