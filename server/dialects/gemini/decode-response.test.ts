import { describe, expect, test } from "bun:test";
import { decodeSplit, fixture, fold, splits } from "../../testing/stream-fixtures.ts";
import { geminiDialect } from "./index.ts";
import { signatureOf } from "./tool-ids.ts";

const decoder = () => geminiDialect.streamDecoder();

describe("Gemini stream decoder (alt=sse), split at every byte", () => {
  test("text chunks; finishReason and full usage on the last; thoughts billed as output, cache reads cached", () => {
    const bytes = fixture("gemini-text.sse");
    for (const cuts of splits(bytes.length)) {
      const f = fold(decodeSplit(bytes, cuts, decoder));
      expect(f.text).toBe("Once upon a time, in a sunlit kitchen, lived a cat named Whiskers. The end.");
      expect(f.stop).toBe("stop");
      expect(f.usage).toEqual({ inputTokens: 8, cachedTokens: 2, outputTokens: 17 + 1027 });
    }
  });

  test("a whole function call; its thought signature rides in the call id; STOP after a call is tool_calls", () => {
    const bytes = fixture("gemini-tool.sse");
    for (const cuts of splits(bytes.length)) {
      const f = fold(decodeSplit(bytes, cuts, decoder));
      expect(f.calls).toHaveLength(1);
      expect(f.calls[0]?.name).toBe("schedule_meeting");
      expect(JSON.parse(f.calls[0]!.args)).toEqual({
        attendees: ["Bob", "Alice"],
        date: "2025-03-14",
        time: "10:00",
        topic: "Q3 planning",
      });
      expect(signatureOf(f.calls[0]!.id)).toBe("CiQB0e2Kb2rUsc0fm5ojCZjJ9uM0Z3lYTbM");
      expect(f.stop).toBe("tool_calls");
    }
  });

  test("the signature goes back on the replayed call; a lost one gets Google's sentinel on Gemini 3", () => {
    const call = fold(decodeSplit(fixture("gemini-tool.sse"), [], decoder)).calls[0]!;
    const body = (id: string, model: string) =>
      geminiDialect.encodeRequest(
        {
          model: "m",
          system: [],
          messages: [
            { role: "user", parts: [{ type: "text", text: "book it" }] },
            { role: "assistant", parts: [{ type: "tool_call", id, name: call.name, arguments: call.args }] },
            {
              role: "tool",
              parts: [{ type: "tool_result", toolCallId: id, content: [{ type: "text", text: "ok" }] }],
            },
          ],
          tools: [],
          maxTokens: null,
          stop: [],
          stream: false,
          hints: [],
        },
        { upstreamModel: model, maxTokens: null, outputLimit: 100, dropped: [], capabilities: {} },
      ) as { contents: { role: string; parts: Record<string, unknown>[] }[] };
    const kept = body(call.id, "gemini-3-flash-preview").contents[1]!.parts[0]!;
    expect(kept.thoughtSignature).toBe("CiQB0e2Kb2rUsc0fm5ojCZjJ9uM0Z3lYTbM");
    const lost = body("call_1", "gemini-3-pro").contents[1]!.parts[0]!;
    expect(lost.thoughtSignature).toBe("skip_thought_signature_validator");
    const old = body("call_1", "gemini-2.5-flash").contents[1]!.parts[0]!;
    expect(old.thoughtSignature).toBeUndefined();
    // The result is matched to the call by name.
    expect(body(call.id, "gemini-3-flash-preview").contents[2]!.parts[0]).toEqual({
      functionResponse: { name: "schedule_meeting", response: { output: "ok" } },
    });
  });

  test("a body that ends without a finishReason is not complete", () => {
    const text = 'data: {"candidates":[{"content":{"parts":[{"text":"hi"}]}}]}\r\n\r\n';
    expect(fold(decodeSplit(new TextEncoder().encode(text), [], decoder)).stop).toBeNull();
  });
});
