import { describe, expect, test } from "bun:test";
import { decodeSplit, fixture, fold, splits } from "../../testing/stream-fixtures.ts";
import { openaiChatDialect } from "./index.ts";

const decoder = () => openaiChatDialect.streamDecoder();

describe("OpenAI chat stream decoder, split at every byte", () => {
  test("a streamed tool call: id and name first, arguments in pieces, usage chunk, [DONE]", () => {
    const bytes = fixture("openai-chat-tool.sse");
    for (const cuts of splits(bytes.length)) {
      const evs = decodeSplit(bytes, cuts, decoder);
      const f = fold(evs);
      expect(f.calls).toEqual([
        { id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", args: '{"location":"Paris, France"}' },
      ]);
      expect(f.stop).toBe("tool_calls");
      expect(f.usage).toEqual({ inputTokens: 69, cachedTokens: 0, outputTokens: 17 });
      // The stop comes after the usage chunk, at [DONE].
      expect(evs.at(-1)?.type).toBe("stop");
    }
  });

  test("a server that closes after finish_reason without [DONE] still completes at end of body", () => {
    const text =
      'data: {"id":"x","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
    const f = fold(decodeSplit(new TextEncoder().encode(text), [], decoder));
    expect(f).toMatchObject({ text: "hi", stop: "stop" });
  });

  test("[DONE] completes a stream even without a finish_reason", () => {
    const text = 'data: {"id":"x","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n';
    expect(fold(decodeSplit(new TextEncoder().encode(text), [], decoder))).toMatchObject({
      text: "hi",
      stop: "stop",
    });
  });

  test("a body that ends before any finish reason is not complete", () => {
    const f = fold(
      decodeSplit(
        new TextEncoder().encode('data: {"id":"x","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n'),
        [],
        decoder,
      ),
    );
    expect(f.stop).toBeNull();
  });
});
