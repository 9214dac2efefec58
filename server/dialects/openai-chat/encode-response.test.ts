import { describe, expect, test } from "bun:test";
import { decodeSplit, encodeAll, fold, SAMPLE_EVENTS } from "../../testing/stream-fixtures.ts";
import { chatStreamEncoder } from "./encode-response.ts";
import { openaiChatDialect } from "./index.ts";

describe("chat completions stream encoder", () => {
  test("round trip through the OpenAI chat decoder; usage chunk only when asked; [DONE] last", () => {
    const withUsage = encodeAll(chatStreamEncoder({ publicModel: "m-x", includeUsage: true }), SAMPLE_EVENTS);
    const f = fold(
      decodeSplit(new TextEncoder().encode(withUsage), [], () => openaiChatDialect.streamDecoder()),
    );
    expect(f.text).toBe("Let me check.");
    expect(f.calls).toEqual([{ id: "call_1", name: "get_weather", args: '{"city":"Paris"}' }]);
    expect(f.stop).toBe("tool_calls");
    expect(f.usage).toEqual({ inputTokens: 30, cachedTokens: 10, outputTokens: 12 });
    expect(withUsage.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(withUsage).toContain('"model":"m-x"');

    const without = encodeAll(chatStreamEncoder({ publicModel: "m-x", includeUsage: false }), SAMPLE_EVENTS);
    expect(without).not.toContain('"usage"');
  });
});
