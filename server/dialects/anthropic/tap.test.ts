import { describe, expect, test } from "bun:test";
import { AnthropicTap } from "./tap.ts";

const ev = (event: string, data: unknown) => ({ event, data: JSON.stringify(data) });
const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

describe("AnthropicTap", () => {
  test("content deltas pass unparsed; the output counted when no usage came keeps their order", () => {
    const tap = new AnthropicTap("pub");
    tap.push(
      ev("message_start", { type: "message_start", message: { model: "up", usage: { input_tokens: 5 } } }),
    );
    const delta = ev("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: 'say "hi"' },
    });
    expect(text(tap.push(delta))).toBe(`event: content_block_delta\ndata: ${delta.data}\n\n`);
    expect(tap.sawOutput).toBe(true);
    tap.push(
      ev("content_block_start", {
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", name: "read" },
      }),
    );
    tap.push(
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: '{"p":' },
      }),
    );
    tap.push(
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: "1}" },
      }),
    );
    expect(tap.outputText()).toBe('say "hi"read{"p":1}');
  });

  test("an error is caught whatever the event is named; usage in a delta is read", () => {
    const tap = new AnthropicTap("pub");
    tap.push(
      ev("content_block_delta", { type: "error", error: { type: "overloaded_error", message: "busy" } }),
    );
    expect(tap.failed?.message).toContain("busy");
    const other = new AnthropicTap("pub");
    other.push(
      ev("message_start", { type: "message_start", message: { model: "pub", usage: { input_tokens: 3 } } }),
    );
    other.push(ev("content_block_delta", { type: "message_delta", delta: {}, usage: { output_tokens: 9 } }));
    other.push(ev("message_stop", { type: "message_stop" }));
    expect(other.ended).toBe(true);
    expect(other.usage()?.outputTokens).toBe(9);
  });
});
