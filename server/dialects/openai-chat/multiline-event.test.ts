/**
 * An upstream event whose data spans several `data:` lines (valid SSE; a pretty-printed chunk)
 * reaches the client as the same event. It was forwarded as one `data:` line followed by bare
 * lines, which the client's SSE parser drops, while the chunk's text was still counted.
 */

import { expect, test } from "bun:test";
import { SseParser } from "../../sse/parser.ts";
import { OpenAIChatTap } from "./tap.ts";

test("a multi-line data event reaches the client as the same event", () => {
  const data = JSON.stringify(
    { id: "c", model: "up", choices: [{ index: 0, delta: { content: "hello" } }] },
    null,
    1,
  );
  expect(data.includes("\n")).toBe(true);
  const tap = new OpenAIChatTap(false, "pub");
  const out = tap.push({ data })!;
  const got = new SseParser().push(out);
  // The client's parser gets `{` alone: the chunk is lost to it, but "hello" is counted.
  expect(tap.outputText()).toBe("hello");
  expect(got.map((e) => JSON.parse(e.data).choices[0].delta.content)).toEqual(["hello"]);
});
