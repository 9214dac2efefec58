import { describe, expect, test } from "bun:test";
import { SseParser } from "../../sse/parser.ts";
import { decodeSplit, encodeAll, fold, SAMPLE_EVENTS, splits } from "../../testing/stream-fixtures.ts";
import { messagesStreamEncoder } from "./encode-response.ts";
import { anthropicDialect } from "./index.ts";

describe("Messages stream encoder", () => {
  const out = encodeAll(messagesStreamEncoder({ publicModel: "m-x", includeUsage: true }), SAMPLE_EVENTS);

  test("emits the documented event sequence, one block at a time", () => {
    const names = new SseParser().push(new TextEncoder().encode(out)).map((e) => e.event);
    expect(names).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(out).toContain('"stop_reason":"tool_use"');
    // Billed usage in message_delta, in Anthropic's terms (input excludes cache reads).
    expect(out).toContain(
      '"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":12}',
    );
  });

  test("round trip: what it writes, Anthropic's decoder reads back, at every split", () => {
    const bytes = new TextEncoder().encode(out);
    for (const cuts of splits(bytes.length).slice(0, 400)) {
      const f = fold(decodeSplit(bytes, cuts, () => anthropicDialect.streamDecoder()));
      expect(f.text).toBe("Let me check.");
      expect(f.calls).toEqual([{ id: "call_1", name: "get_weather", args: '{"city":"Paris"}' }]);
      expect(f.stop).toBe("tool_calls");
      expect(f.usage).toEqual({ inputTokens: 30, cachedTokens: 10, outputTokens: 12, cacheWriteTokens: 0 });
    }
  });
});
