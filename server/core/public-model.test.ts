import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { FieldRenamer, setTopLevelString } from "./public-model.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

describe("setTopLevelString", () => {
  test("renames an OpenAI chunk's model and leaves every other byte alone", () => {
    const chunk =
      '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"mock-gpt","choices":[{"index":0,"delta":{"content":"hi \\"model\\":\\"x\\""}}]}';
    expect(setTopLevelString(chunk, "model", "qwen:qwen-flash")).toBe(
      chunk.replace('"model":"mock-gpt"', '"model":"qwen:qwen-flash"'),
    );
  });

  test("a nested model key, or one inside a string, is not the answer's own", () => {
    const nested = '{"tools":[{"parameters":{"model":"keep"}}],"metadata":{"model":"keep"},"model":"up"}';
    expect(JSON.parse(setTopLevelString(nested, "model", "pub"))).toEqual({
      tools: [{ parameters: { model: "keep" } }],
      metadata: { model: "keep" },
      model: "pub",
    });
    const inKey = '{"x\\"model":"keep","model":"up"}';
    expect(JSON.parse(setTopLevelString(inKey, "model", "pub"))).toEqual({ 'x"model': "keep", model: "pub" });
    const asValue = '{"role":"model","modelVersion":"up"}';
    expect(setTopLevelString(asValue, "model", "pub")).toBe(asValue);
    expect(setTopLevelString(asValue, "modelVersion", "pub")).toBe('{"role":"model","modelVersion":"pub"}');
  });

  test("pretty-printed JSON, escapes in the old value, and a public id that needs escaping", () => {
    const pretty = '{\n  "id": "x",\n  "model" : "gpt-4o-2024-08-06\\"",\n  "n": 1\n}';
    expect(JSON.parse(setTopLevelString(pretty, "model", 'a"b\\c'))).toEqual({
      id: "x",
      model: 'a"b\\c',
      n: 1,
    });
  });

  test("no top-level string field: the text unchanged", () => {
    for (const t of ['{"model":null}', '{"a":{"model":"x"}}', "not json", '{"model":"unterminated', "[]"])
      expect(setTopLevelString(t, "model", "pub")).toBe(t);
  });

  test("property: the parsed result is the object with its own field renamed, nothing else", () => {
    const key = fc.constantFrom("model", "modelVersion", "x", "mod", 'model"', "\\model");
    const value = fc.oneof(fc.string(), fc.constantFrom("model", '"model":"', "\\"));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean()),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(
        fc.dictionary(key, tree, { maxKeys: 5 }),
        fc.option(value, { nil: undefined }),
        value,
        fc.boolean(),
        (obj, own, pub, pretty) => {
          const input: Record<string, unknown> = { ...obj };
          if (own !== undefined) input.model = own;
          const text = pretty ? JSON.stringify(input, null, 2) : JSON.stringify(input);
          const out = setTopLevelString(text, "model", pub);
          const expected = typeof input.model === "string" ? { ...input, model: pub } : input;
          expect(JSON.parse(out)).toEqual(expected);
          if (typeof input.model !== "string") expect(out).toBe(text);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("a stream's chunks sharing their opening are renamed alike; a chunk that differs is walked again", () => {
    const r = new FieldRenamer("model", "pub");
    const head = '{"id":"c1","object":"chat.completion.chunk","model":"up"';
    expect(r.apply(`${head},"choices":[{"delta":{"content":"a"}}]}`)).toBe(
      '{"id":"c1","object":"chat.completion.chunk","model":"pub","choices":[{"delta":{"content":"a"}}]}',
    );
    expect(r.apply(`${head},"choices":[],"usage":{"model":"x"}}`)).toBe(
      '{"id":"c1","object":"chat.completion.chunk","model":"pub","choices":[],"usage":{"model":"x"}}',
    );
    // Same bytes up to a point, then another structure: not taken for the same chunk shape.
    expect(r.apply('{"id":"c1","object":"chat.completion.chunk","x":{"model":"up"},"model":"up2"}')).toBe(
      '{"id":"c1","object":"chat.completion.chunk","x":{"model":"up"},"model":"pub"}',
    );
    const same = new FieldRenamer("model", "up");
    const text = `${head}}`;
    expect(same.apply(text)).toBe(text);
    expect(same.apply(text)).toBe(text);
  });

  test("property: chunks of one stream through one renamer read as each renamed alone", () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.constantFrom("model", '"model":"'),
    );
    const body = fc.dictionary(
      fc.constantFrom("model", "choices", "usage", "x"),
      fc.oneof(leaf, fc.dictionary(fc.constantFrom("model", "y"), leaf)),
      { maxKeys: 3 },
    );
    const chunk = fc.record({
      id: fc.constantFrom("c1", "c2"),
      model: fc.option(fc.string(), { nil: undefined }),
      rest: body,
    });
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 6 }), fc.string(), (chunks, pub) => {
        const r = new FieldRenamer("model", pub);
        for (const c of chunks) {
          const text = JSON.stringify({
            id: c.id,
            ...(c.model === undefined ? {} : { model: c.model }),
            ...c.rest,
          });
          expect(r.apply(text)).toBe(setTopLevelString(text, "model", pub));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
