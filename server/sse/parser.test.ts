import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodeSse } from "./encoder.ts";
import { LineDecoder, StreamLimitExceeded } from "./lines.ts";
import { type SseEvent, SseParser } from "./parser.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

function parseSplit(input: Uint8Array, cuts: number[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    out.push(...p.push(input.subarray(prev, c)));
    prev = c;
  }
  out.push(...p.end());
  return out;
}

const doc =
  'data: {"a":"привет"}\r\n\r\n: keep-alive\n\nevent: message_start\ndata: {"b":1}\n\n' +
  "id: 7\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";
const expected: SseEvent[] = [
  { data: '{"a":"привет"}' },
  { event: "message_start", data: '{"b":1}' },
  { id: "7", data: "line1\nline2" },
  { data: "[DONE]" },
];

describe("SseParser", () => {
  test("parses a whole document", () => {
    expect(parseSplit(bytes(doc), [])).toEqual(expected);
  });

  test("survives every single split point, including inside UTF-8 and CRLF", () => {
    const input = bytes(doc);
    for (let i = 1; i < input.length; i++) expect(parseSplit(input, [i])).toEqual(expected);
  });

  test("survives byte-by-byte input", () => {
    const input = bytes(doc);
    expect(
      parseSplit(
        input,
        Array.from({ length: input.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  test("generated streams: whole chunks of events (the shortcut) parse as byte by byte does", () => {
    const text = fc.string({
      unit: fc.oneof(
        { arbitrary: fc.constantFrom("a", "é", "{", '"', ":", " ", "\\", "[", "]", "\n"), weight: 30 },
        { arbitrary: fc.constant("\r"), weight: 1 },
      ),
      maxLength: 12,
    });
    // Line endings as upstreams write them: LF (OpenAI, Anthropic) or CRLF (Gemini).
    const eol = fc.constantFrom("\n", "\r\n");
    const block = fc.oneof(
      { arbitrary: fc.tuple(text, eol, eol).map(([d, a, b]) => `data: ${d}${a}${b}`), weight: 6 },
      { arbitrary: fc.tuple(text, text).map(([a, b]) => `data: ${a}\ndata: ${b}\n\n`), weight: 1 },
      {
        arbitrary: fc.tuple(text, text, eol).map(([e, d, n]) => `event: ${e}${n}data: ${d}${n}${n}`),
        weight: 3,
      },
      { arbitrary: fc.tuple(text, eol).map(([e, n]) => `event: ${e}${n}${n}`), weight: 1 },
      { arbitrary: text.map((d) => `: ${d}\n`), weight: 1 },
      { arbitrary: text.map((d) => `id: 1\ndata: ${d}\n\n`), weight: 1 },
      { arbitrary: text.map((d) => `data:${d}\n\n`), weight: 1 },
      { arbitrary: text.map((d) => `data: ${d}\r`), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 5 }), (blocks, cuts) => {
        const input = bytes(blocks.join(""));
        const at = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const oneByOne = Array.from({ length: Math.max(0, input.length - 1) }, (_, i) => i + 1);
        expect(parseSplit(input, at)).toEqual(parseSplit(input, oneByOne));
      }),
      { numRuns: Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300) },
    );
  });

  test("a last event without a blank line is still delivered at end", () => {
    expect(parseSplit(bytes("data: tail"), [])).toEqual([{ data: "tail" }]);
  });

  test("CR-only line endings", () => {
    expect(parseSplit(bytes("data: x\r\rdata: y\r\r"), [8])).toEqual([{ data: "x" }, { data: "y" }]);
  });

  test("encoder output parses back", () => {
    const evs: SseEvent[] = [{ event: "e", data: "a\nb" }, { data: "{}" }];
    expect(parseSplit(bytes(evs.map(encodeSse).join("")), [3])).toEqual(evs);
  });

  test("a line longer than the cap throws StreamLimitExceeded, however it is split", () => {
    const p = new SseParser({ maxLine: 100 });
    p.push(bytes("data: "));
    for (let i = 0; i < 9; i++) p.push(bytes("x".repeat(10)));
    expect(() => p.push(bytes("x".repeat(10)))).toThrow(StreamLimitExceeded);
    const q = new SseParser({ maxLine: 100 });
    expect(() => q.push(bytes(`data: ${"y".repeat(200)}\n\n`))).toThrow(StreamLimitExceeded);
  });

  test("data lines without a blank line pile up into one event: capped too", () => {
    const p = new SseParser({ maxLine: 1000, maxEvent: 100 });
    for (let i = 0; i < 4; i++) p.push(bytes(`data: ${"z".repeat(20)}\n`));
    expect(() => p.push(bytes(`data: ${"z".repeat(20)}\n`))).toThrow(StreamLimitExceeded);
    // Under the caps nothing changes.
    const ok = new SseParser({ maxLine: 100, maxEvent: 100 });
    expect(ok.push(bytes(`data: ${"z".repeat(40)}\ndata: ${"z".repeat(40)}\n\n`))).toEqual([
      { data: `${"z".repeat(40)}\n${"z".repeat(40)}` },
    ]);
  });

  test("a long line in many pieces is joined once, in order", () => {
    const p = new SseParser();
    const pieces = Array.from({ length: 1000 }, (_, i) => `${i},`);
    p.push(bytes("data: "));
    for (const piece of pieces) expect(p.push(bytes(piece))).toEqual([]);
    expect(p.push(bytes("\n\n"))).toEqual([{ data: pieces.join("") }]);
  });
});

describe("LineDecoder", () => {
  const split = (pieces: string[]) => {
    const d = new LineDecoder(1000);
    const out: string[] = [];
    for (const piece of pieces) d.push(piece, (l) => out.push(l));
    d.end((l) => out.push(l));
    return out;
  };

  test("LF, CR and CRLF end lines; a CRLF split across pieces counts once", () => {
    expect(split(["a\nb\rc\r\nd"])).toEqual(["a", "b", "c", "d"]);
    expect(split(["a\r", "\nb"])).toEqual(["a", "b"]);
    expect(split(["a\r", "", "\nb"])).toEqual(["a", "b"]);
    expect(split(["a\r", "\r", "\n"])).toEqual(["a", ""]);
    expect(split(["a", "b", "\n", "c"])).toEqual(["ab", "c"]);
  });
});
