import { describe, expect, test } from "bun:test";
import { coreRequest, fixtureJson, fixtureLines } from "../../testing/fixtures.ts";
import { yandexCodec as codec } from "./index.ts";

const URI = "gpt://b1gfolder/yandexgpt/latest";
const ctx = () => ({
  upstreamModel: URI,
  maxTokens: 500 as number | null,
  dropped: [] as string[],
  outputLimit: 1000,
  capabilities: {},
});
const weatherTool = {
  name: "weatherTool",
  description: "Getting current weather in the specified city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string", description: "City name, e.g., Moscow" } },
    required: ["city"],
  },
};

describe("Yandex request encoding", () => {
  test("modelUri, completionOptions (maxTokens as text, temperature clamped to 1), messages with text", () => {
    const body = codec.encodeRequest(
      coreRequest({
        system: [{ type: "text", text: "Ты помощник." }],
        messages: [
          { role: "user", parts: [{ type: "text", text: "Привет" }] },
          { role: "assistant", parts: [{ type: "text", text: "Здравствуйте" }] },
          { role: "user", parts: [{ type: "text", text: "Как дела?" }] },
        ],
        temperature: 1.6,
        stream: true,
      }),
      ctx(),
    );
    expect(body).toEqual({
      modelUri: URI,
      completionOptions: { stream: true, temperature: 1, maxTokens: "500" },
      messages: [
        { role: "system", text: "Ты помощник." },
        { role: "user", text: "Привет" },
        { role: "assistant", text: "Здравствуйте" },
        { role: "user", text: "Как дела?" },
      ],
    });
  });

  test("the function-call guide's round trip: tools, toolCallList, toolResultList", () => {
    const body = codec.encodeRequest(
      coreRequest({
        tools: [weatherTool],
        messages: [
          { role: "user", parts: [{ type: "text", text: "What is the weather like in Saint Petersburg?" }] },
          {
            role: "assistant",
            parts: [
              {
                type: "tool_call",
                id: "call_1",
                name: "weatherTool",
                arguments: '{"city":"Saint Petersburg"}',
              },
            ],
          },
          {
            role: "tool",
            parts: [{ type: "tool_result", toolCallId: "call_1", content: [{ type: "text", text: "8°C" }] }],
          },
        ],
      }),
      { ...ctx(), maxTokens: null },
    );
    expect(body).toEqual({
      modelUri: URI,
      completionOptions: { stream: false },
      tools: [{ function: weatherTool }],
      messages: [
        { role: "user", text: "What is the weather like in Saint Petersburg?" },
        {
          role: "assistant",
          toolCallList: {
            toolCalls: [{ functionCall: { name: "weatherTool", arguments: { city: "Saint Petersburg" } } }],
          },
        },
        {
          role: "assistant",
          toolResultList: { toolResults: [{ functionResult: { name: "weatherTool", content: "8°C" } }] },
        },
      ],
    });
  });

  test("tool choice, parallel calls, JSON output and reasoning map to their fields", () => {
    const body = codec.encodeRequest(
      coreRequest({
        tools: [weatherTool],
        toolChoice: { type: "tool", name: "weatherTool" },
        parallelToolCalls: false,
        responseFormat: { type: "json_schema", name: "w", schema: { type: "object" } },
        reasoning: { effort: "high" },
      }),
      ctx(),
    );
    expect(body.toolChoice).toEqual({ functionName: "weatherTool" });
    expect(body.parallelToolCalls).toBe(false);
    expect(body.jsonSchema).toEqual({ schema: { type: "object" } });
    expect((body.completionOptions as Record<string, unknown>).reasoningOptions).toEqual({
      mode: "ENABLED_HIDDEN",
    });
    expect(codec.encodeRequest(coreRequest({ toolChoice: { type: "required" } }), ctx()).toolChoice).toEqual({
      mode: "REQUIRED",
    });
    expect(
      codec.encodeRequest(coreRequest({ responseFormat: { type: "json_object" } }), ctx()).jsonObject,
    ).toBe(true);
  });

  test("what Yandex cannot take is dropped and named; images are refused", () => {
    const c = ctx();
    codec.encodeRequest(coreRequest({ topP: 0.5, stop: ["x"], seed: 1, hints: ["metadata"] }), c);
    expect(c.dropped).toEqual(["top_p", "stop", "seed", "metadata"]);
    expect(() =>
      codec.encodeRequest(
        coreRequest({
          messages: [
            {
              role: "user",
              parts: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } }],
            },
          ],
        }),
        ctx(),
      ),
    ).toThrow("image input, which YandexGPT cannot honour");
  });
});

describe("Yandex answer decoding (recorded fixtures)", () => {
  test("text answer: int64-as-text usage, final status", () => {
    const res = codec.decodeResponse(fixtureJson("yandex/completion.json"));
    expect(res.content).toEqual([{ type: "text", text: "Привет! Чем я могу помочь?" }]);
    expect(res.stopReason).toBe("stop");
    expect(res.usage).toEqual({ inputTokens: 19, cachedTokens: 0, outputTokens: 8 });
    expect(res.model).toBe("23.10.2024");
  });

  test("tool calls: arguments object becomes JSON text, each call gets an id", () => {
    const res = codec.decodeResponse(fixtureJson("yandex/completion-tool-calls.json"));
    expect(res.stopReason).toBe("tool_calls");
    expect(res.content).toHaveLength(1);
    expect(res.content[0]).toMatchObject({
      type: "tool_call",
      name: "weatherTool",
      arguments: '{"city":"Saint Petersburg"}',
    });
    expect((res.content[0] as { id: string }).id).toMatch(/^call_/);
    expect(res.usage).toEqual({ inputTokens: 74, cachedTokens: 0, outputTokens: 14 });
  });

  test("a status named like an Object.prototype member is a plain stop, not an inherited function", () => {
    const res = codec.decodeResponse({
      alternatives: [{ message: { role: "assistant", text: "abc" }, status: "constructor" }],
      usage: { inputTextTokens: "3", completionTokens: "2", totalTokens: "5" },
    });
    expect(res.stopReason).toBe("stop");
  });

  test("a truncated answer stops for length; the bare (unwrapped) reference shape decodes too", () => {
    const res = codec.decodeResponse({
      alternatives: [
        { message: { role: "assistant", text: "abc" }, status: "ALTERNATIVE_STATUS_TRUNCATED_FINAL" },
      ],
      usage: { inputTextTokens: "3", completionTokens: "2", totalTokens: "5" },
    });
    expect(res.stopReason).toBe("length");
    expect(res.usage?.outputTokens).toBe(2);
  });

  test("the whole-text-so-far stream becomes deltas, usage snapshots and one stop", () => {
    const decode = codec.streamDecoder();
    const events = fixtureLines("yandex/completion-stream.ndjson").flatMap((e) => decode(e));
    expect(events.flatMap((e) => (e.type === "text_delta" ? [e.text] : []))).toEqual([
      "Привет",
      "! Чем я",
      " могу помочь?",
    ]);
    const usages = events.filter((e) => e.type === "usage");
    expect(usages.at(-1)).toEqual({
      type: "usage",
      usage: { inputTokens: 19, cachedTokens: 0, outputTokens: 8 },
    });
    expect(events.filter((e) => e.type === "stop")).toEqual([{ type: "stop", reason: "stop" }]);
    expect(events.at(-1)).toEqual({ type: "stop", reason: "stop" });
  });

  test("streamed tool calls arrive whole with their final status; an error line becomes an error event", () => {
    const decode = codec.streamDecoder();
    const events = fixtureLines("yandex/completion-stream-tool-calls.ndjson").flatMap((e) => decode(e));
    expect(events.map((e) => e.type)).toEqual([
      "start",
      "tool_call_start",
      "tool_call_delta",
      "usage",
      "stop",
    ]);
    expect(events[2]).toEqual({
      type: "tool_call_delta",
      index: 0,
      arguments: '{"city":"Saint Petersburg"}',
    });
    expect(events[4]).toEqual({ type: "stop", reason: "tool_calls" });
    const err = codec.streamDecoder()({
      data: '{"error":{"grpcCode":8,"httpCode":429,"message":"ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed","httpStatus":"Too Many Requests"}}',
    });
    expect(err).toHaveLength(1);
    expect(err[0]?.type).toBe("error");
  });
});
