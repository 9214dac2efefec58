import { describe, expect, test } from "bun:test";
import { decodeSplit, encodeAll, fold, SAMPLE_EVENTS } from "../../testing/stream-fixtures.ts";
import { GeminiFraming, generateStreamEncoder } from "./encode-response.ts";
import { geminiDialect } from "./index.ts";

describe("Gemini stream encoder", () => {
  test("alt=sse: round trip through the Gemini decoder; the call goes out whole", () => {
    const out = encodeAll(
      generateStreamEncoder({ publicModel: "m-x", includeUsage: true }, new GeminiFraming(true)),
      SAMPLE_EVENTS,
    );
    const evs = decodeSplit(new TextEncoder().encode(out), [], () => geminiDialect.streamDecoder());
    const f = fold(evs);
    expect(f.text).toBe("Let me check.");
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]).toMatchObject({ id: "call_1", name: "get_weather", args: '{"city":"Paris"}' });
    expect(f.stop).toBe("tool_calls");
    expect(f.usage).toEqual({ inputTokens: 30, cachedTokens: 10, outputTokens: 12 });
  });

  test("without alt=sse: one JSON array of responses", () => {
    const out = encodeAll(
      generateStreamEncoder({ publicModel: "m-x", includeUsage: true }, new GeminiFraming(false)),
      SAMPLE_EVENTS,
    );
    const arr = JSON.parse(out) as { candidates: { finishReason?: string }[]; usageMetadata?: unknown }[];
    expect(arr.length).toBe(4);
    expect(arr.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
    expect(arr.at(-1)?.usageMetadata).toEqual({
      promptTokenCount: 30,
      candidatesTokenCount: 12,
      totalTokenCount: 42,
      cachedContentTokenCount: 10,
    });
  });
});
