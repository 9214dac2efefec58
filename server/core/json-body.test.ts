import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { JsonBody } from "./json-body.ts";
import { objectMembers } from "./json-members.ts";
import type { Json } from "./wire-json.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

/** A client's text as JsonBody.text sees it (members indexed), or null when refused. */
function clientBody(text: string): JsonBody | null {
  const index = objectMembers(text);
  return index ? JsonBody.text(text, index.members, JSON.parse(text) as Json) : null;
}

/** JSON text of `value` with random spacing between tokens (what a client's serializer may do). */
const spaced = (value: unknown, pad: string[]): string => {
  let i = 0;
  const ws = () => pad[i++ % pad.length] ?? "";
  const enc = (v: unknown): string => {
    if (Array.isArray(v)) return `[${ws()}${v.map(enc).join(`${ws()},${ws()}`)}${ws()}]`;
    if (v !== null && typeof v === "object")
      return `{${ws()}${Object.entries(v)
        .map(([k, x]) => `${JSON.stringify(k)}${ws()}:${ws()}${enc(x)}`)
        .join(`${ws()},${ws()}`)}${ws()}}`;
    return JSON.stringify(v);
  };
  return `${ws()}${enc(value)}${ws()}`;
};

const whitespace = fc.array(fc.constantFrom("", "", "", " ", "\n", "\t", "\r\n  "), {
  minLength: 1,
  maxLength: 8,
});
const objects = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom("model", "max_tokens", "messages", "a\\b", 'q"', "__proto__")),
  fc.jsonValue(),
);

describe("objectMembers", () => {
  test("each member's key and value span, whatever the spacing and escapes", () => {
    const text =
      ' {"model" : "m\\"x" , "n":1,"messages":[{"role":"user","content":"a\\\\"}],"e\\u0078tra":{"k":[1,{"m":"}"}]} }';
    const index = objectMembers(text)!;
    expect(index.members.map((m) => m.key)).toEqual(["model", "n", "messages", "extra"]);
    for (const m of index.members)
      expect(JSON.parse(text.slice(m.valueStart, m.end))).toEqual(JSON.parse(text)[m.key]);
    expect(index.depth).toBe(4);
    expect(objectMembers("{}")).toEqual({ members: [], depth: 1 });
  });

  test("a key set twice (however spelled) is refused: parsers keep either value", () => {
    expect(objectMembers('{"max_tokens":1,"n":2,"max_tokens":100000}')).toBeNull();
    expect(objectMembers('{"max_tokens":1,"max\\u005ftokens":100000}')).toBeNull();
    expect(objectMembers('{"a":{"k":1,"k":2},"b":1}')).not.toBeNull(); // nested: not the forwarder's to edit
  });

  test("generated: spans parse back to the members, in order", () => {
    fc.assert(
      fc.property(objects, whitespace, (o, pad) => {
        const text = spaced(o, pad);
        const index = objectMembers(text);
        expect(index).not.toBeNull();
        const parsed = JSON.parse(text) as Json;
        expect(index!.members.map((m) => m.key)).toEqual(Object.keys(o));
        for (const m of index!.members)
          expect(JSON.parse(text.slice(m.valueStart, m.end))).toEqual(parsed[m.key]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("JsonBody", () => {
  test("unchanged, or set to the value it has, the client's text goes as it is", () => {
    const text = '{"model": "m", "max_tokens": 64, "messages": [ {"role":"user","content":"hi"} ]}';
    const body = clientBody(text)!;
    expect(body.text()).toBe(text);
    expect(body.with({ max_tokens: 64 }).text()).toBe(text);
    expect(body.with({ absent: undefined }).text()).toBe(text);
  });

  test("edits change only their members, every other byte kept; no key twice", () => {
    const text = '{"model": "m", "max_tokens": null, "messages": [ {"role":"user","content":"hi"} ],"n":1}';
    const out = clientBody(text)!
      .with({ model: "up", max_tokens: undefined, max_completion_tokens: 10, n: 1 })
      .text();
    expect(out).toBe(
      '{"model": "up","messages": [ {"role":"user","content":"hi"} ],"n":1,"max_completion_tokens":10}',
    );
    expect(JSON.parse(out)).toEqual({
      model: "up",
      messages: [{ role: "user", content: "hi" }],
      n: 1,
      max_completion_tokens: 10,
    });
  });

  test("a value body is serialized with its edits; get and has see the edits", () => {
    const body = JsonBody.of({ model: "m", stream: false }).with({ stream: true, extra: [1] });
    expect(JSON.parse(body.text())).toEqual({ model: "m", stream: true, extra: [1] });
    expect(body.get("stream")).toBe(true);
    expect(body.with({ stream: undefined }).has("stream")).toBe(false);
  });

  test("generated: a client's text with edits says what the value with the same edits says", () => {
    const edits = fc.dictionary(
      fc.constantFrom("model", "max_tokens", "stream", "stream_options", "n", "a\\b", "new key"),
      fc.option(fc.jsonValue(), { nil: undefined }),
    );
    fc.assert(
      fc.property(objects, whitespace, fc.array(edits, { maxLength: 3 }), (o, pad, steps) => {
        const text = spaced(o, pad);
        let fromText = clientBody(text)!;
        let fromValue = JsonBody.of(JSON.parse(text) as Json);
        for (const e of steps) {
          fromText = fromText.with(e);
          fromValue = fromValue.with(e);
        }
        const sent = fromText.text();
        expect(JSON.parse(sent)).toEqual(JSON.parse(fromValue.text()));
        // No key twice: the members of what is sent are unique.
        expect(objectMembers(sent)).not.toBeNull();
      }),
      { numRuns: RUNS },
    );
  });
});
