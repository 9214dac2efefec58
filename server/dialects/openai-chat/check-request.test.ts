import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Json } from "../../core/wire-json.ts";
import { isChatRequest } from "./check-request.ts";
import { ChatRequest } from "./schema.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

/** Anything a field may hold, the right type often, a wrong one sometimes. */
/** Anything a field may hold, the numbers at zod's edges included (1e400 parses to Infinity). */
const anyValue = fc.oneof(
  fc.constantFrom(null, true, 0, -0, 1, -1, 1.5, 2, 2.5, 128, 129, 2 ** 53, Infinity, "", "x", [], {}, ["x"]),
  fc.constantFrom({ type: "x" }, { name: "n" }, { include_usage: true }, { include_usage: 1 }, [
    "a",
    "b",
    "c",
    "d",
    "e",
  ]),
  fc.jsonValue({ maxDepth: 2 }),
);
/**
 * Chat requests: with `bad`, any field may hold a wrong value or be missing; without, every
 * field has its type (only the enumerations and the strings may still be refused).
 */
function requests(bad: boolean): fc.Arbitrary<Json> {
  const maybe = <T>(arb: fc.Arbitrary<T>) =>
    bad ? fc.oneof({ arbitrary: arb, weight: 8 }, { arbitrary: anyValue, weight: 1 }) : arb;
  /** An object of these fields (the `required` ones always, unless `bad`), plus a stray field now and then. */
  const record = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) =>
    fc
      .tuple(
        fc.record(fields, { requiredKeys: bad ? [] : required }),
        fc.option(fc.tuple(fc.constantFrom("x-extra", "metadata", "seed"), anyValue), { nil: undefined }),
      )
      .map(([o, extra]) => (extra && (bad || extra[0] !== "seed") ? { ...o, [extra[0]]: extra[1] } : o));
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
    () => {
      let both = 0;
      let onlySchema = 0;
      fc.assert(
        fc.property(fc.boolean().chain(requests), (body) => {
          const mine = isChatRequest(body);
          const schema = ChatRequest.safeParse(body).success;
          if (mine) expect(schema).toBe(true);
          if (mine && schema) both++;
          if (!mine && schema) onlySchema++;
        }),
        { numRuns: RUNS * 10 },
      );
      // Refusing what the schema accepts only costs the full check; it must stay the exception.
      expect(both).toBeGreaterThan(RUNS / 3);
      expect(onlySchema).toBe(0);
    },
    Math.max(5_000, RUNS * 20),
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
    for (const b of broken) {
      expect(isChatRequest(b)).toBe(false);
      expect(ChatRequest.safeParse(b).success).toBe(false);
    }
  });
});
