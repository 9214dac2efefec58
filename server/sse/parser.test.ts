import { describe, expect, test } from "bun:test";
import { encodeSse } from "./encoder.ts";
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
});
