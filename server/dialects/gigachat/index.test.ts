import { describe, expect, test } from "bun:test";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { GatewayError } from "../../errors.ts";
import { coreRequest, fixtureJson, fixtureSse } from "../../testing/fixtures.ts";
import { gigachatCodec as codec } from "./index.ts";

const ctx = () => ({
  upstreamModel: "GigaChat-2-Max",
  maxTokens: 256 as number | null,
  dropped: [] as string[],
  outputLimit: 1000,
  capabilities: {},
});
const weather = {
  name: "weather_forecast",
  description: "Прогноз погоды",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};
const STATE = "77d3fb14-457a-46ba-937e-8d856156d003";

describe("GigaChat request encoding", () => {
  test("system first, messages, sampling and max_tokens", () => {
    const c = ctx();
    const body = codec.encodeRequest(
      coreRequest({
        system: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "Answer in Russian." },
        ],
        messages: [
          { role: "user", parts: [{ type: "text", text: "Привет" }] },
          { role: "assistant", parts: [{ type: "text", text: "Здравствуйте" }] },
          { role: "user", parts: [{ type: "text", text: "Как дела?" }] },
        ],
        temperature: 0.4,
        topP: 0.9,
        stream: true,
      }),
      c,
    );
    expect(body).toEqual({
      model: "GigaChat-2-Max",
      stream: true,
      max_tokens: 256,
      temperature: 0.4,
      top_p: 0.9,
      messages: [
        { role: "system", content: "Be brief.\n\nAnswer in Russian." },
        { role: "user", content: "Привет" },
        { role: "assistant", content: "Здравствуйте" },
        { role: "user", content: "Как дела?" },
      ],
    });
    expect(c.dropped).toEqual([]);
  });

  test("tools become functions; calls and results replay with state id and JSON content", () => {
    const body = codec.encodeRequest(
      coreRequest({
        tools: [weather],
        toolChoice: { type: "tool", name: "weather_forecast" },
        messages: [
          { role: "user", parts: [{ type: "text", text: "Погода в Москве?" }] },
          {
            role: "assistant",
            parts: [
              { type: "tool_call", id: STATE, name: "weather_forecast", arguments: '{"location":"Москва"}' },
            ],
          },
          {
            role: "tool",
            parts: [
              { type: "tool_result", toolCallId: STATE, content: [{ type: "text", text: '{"temp":27}' }] },
            ],
          },
        ],
      }),
      ctx(),
    );
    expect(body.functions).toEqual([weather]);
    expect(body.function_call).toEqual({ name: "weather_forecast" });
    expect(body.messages).toEqual([
      { role: "user", content: "Погода в Москве?" },
      {
        role: "assistant",
        content: "",
        function_call: { name: "weather_forecast", arguments: { location: "Москва" } },
        functions_state_id: STATE,
      },
      { role: "function", name: "weather_forecast", content: '{"temp":27}' },
    ]);
  });

  test("several calls in one turn replay call by call; plain-text results are wrapped", () => {
    const body = codec.encodeRequest(
      coreRequest({
        tools: [weather],
        messages: [
          { role: "user", parts: [{ type: "text", text: "Москва и Казань?" }] },
          {
            role: "assistant",
            parts: [
              { type: "text", text: "Смотрю." },
              {
                type: "tool_call",
                id: "call_a",
                name: "weather_forecast",
                arguments: '{"location":"Москва"}',
              },
              {
                type: "tool_call",
                id: "call_b",
                name: "weather_forecast",
                arguments: '{"location":"Казань"}',
              },
            ],
          },
          {
            role: "tool",
            parts: [{ type: "tool_result", toolCallId: "call_a", content: [{ type: "text", text: "+20" }] }],
          },
          {
            role: "tool",
            parts: [{ type: "tool_result", toolCallId: "call_b", content: [{ type: "text", text: "+18" }] }],
          },
        ],
      }),
      ctx(),
    );
    expect(body.messages).toEqual([
      { role: "user", content: "Москва и Казань?" },
      {
        role: "assistant",
        content: "Смотрю.",
        function_call: { name: "weather_forecast", arguments: { location: "Москва" } },
      },
      { role: "function", name: "weather_forecast", content: '{"result":"+20"}' },
      {
        role: "assistant",
        content: "",
        function_call: { name: "weather_forecast", arguments: { location: "Казань" } },
      },
      { role: "function", name: "weather_forecast", content: '{"result":"+18"}' },
    ]);
  });

  test("tool_choice none and required-with-one-tool map; required with many is refused", () => {
    expect(
      codec.encodeRequest(coreRequest({ tools: [weather], toolChoice: { type: "none" } }), ctx())
        .function_call,
    ).toBe("none");
    expect(
      codec.encodeRequest(coreRequest({ tools: [weather], toolChoice: { type: "required" } }), ctx())
        .function_call,
    ).toEqual({ name: "weather_forecast" });
    expect(() =>
      codec.encodeRequest(
        coreRequest({ tools: [weather, { ...weather, name: "other" }], toolChoice: { type: "required" } }),
        ctx(),
      ),
    ).toThrow('tool_choice "required"');
  });

  test("droppable fields are dropped and named; temperature 0 becomes top_p 0", () => {
    const c = ctx();
    const body = codec.encodeRequest(
      coreRequest({ temperature: 0, stop: ["\n"], seed: 7, topK: 5, user: "u1", hints: ["cache_control"] }),
      c,
    );
    expect(body.temperature).toBeUndefined();
    expect(body.top_p).toBe(0);
    expect(c.dropped).toEqual(["top_k", "stop", "seed", "user", "cache_control"]);
  });

  test("images, image output and a JSON schema are refused with a 400 naming the feature", () => {
    const image = coreRequest({
      messages: [
        { role: "user", parts: [{ type: "image", source: { kind: "url", url: "https://x/y.png" } }] },
      ],
    });
    const err = (() => {
      try {
        codec.encodeRequest(image, ctx());
      } catch (e) {
        return e as GatewayError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.code).toBe("unsupported_feature");
    expect(err?.message).toContain("image input");
    expect(() => codec.encodeRequest(coreRequest({ modalities: ["image", "text"] }), ctx())).toThrow(
      "image output",
    );
    expect(() =>
      codec.encodeRequest(
        coreRequest({ responseFormat: { type: "json_schema", name: "x", schema: { type: "object" } } }),
        ctx(),
      ),
    ).toThrow('response_format "json_schema"');
  });
});

describe("GigaChat answer decoding (recorded fixtures)", () => {
  test("a text answer with usage", () => {
    const res = codec.decodeResponse(fixtureJson("gigachat/chat.json"));
    expect(res.content).toEqual([{ type: "text", text: "Здравствуйте! Я GigaChat, чем могу помочь?" }]);
    expect(res.stopReason).toBe("stop");
    expect(res.model).toBe("GigaChat:1.0.26.20");
    expect(res.usage).toEqual({ inputTokens: 18, cachedTokens: 0, outputTokens: 12 });
  });

  test("a function call: arguments object becomes JSON text, state id the call id; precached tokens count as cached input", () => {
    const res = codec.decodeResponse(fixtureJson("gigachat/chat-function-call.json"));
    expect(res.content).toEqual([
      {
        type: "tool_call",
        id: STATE,
        name: "weather_forecast",
        arguments: '{"location":"Москва","format":"celsius"}',
      },
    ]);
    expect(res.stopReason).toBe("tool_calls");
    expect(res.usage).toEqual({ inputTokens: 214, cachedTokens: 64, outputTokens: 35 });
  });

  test("the documented text stream decodes to deltas, usage and stop", () => {
    const decode = codec.streamDecoder();
    const events = fixtureSse("gigachat/chat-stream.sse").flatMap((e) => decode(e));
    const text = events.flatMap((e) => (e.type === "text_delta" ? [e.text] : [])).join("");
    expect(text).toBe("GigaСhat спешит на помощь");
    expect(events[0]).toMatchObject({ type: "start", model: "GigaChat", created: 1683034756 });
    const tail = events.slice(-2) as CoreStreamEvent[];
    expect(tail).toEqual([
      { type: "usage", usage: { inputTokens: 18, cachedTokens: 0, outputTokens: 4 } },
      { type: "stop", reason: "stop" },
    ]);
  });

  test("a streamed function call arrives whole", () => {
    const decode = codec.streamDecoder();
    const events = fixtureSse("gigachat/chat-stream-function.sse").flatMap((e) => decode(e));
    expect(events.slice(1)).toEqual([
      { type: "tool_call_start", index: 0, id: STATE, name: "weather_forecast" },
      { type: "tool_call_delta", index: 0, arguments: '{"location":"Москва","format":"celsius"}' },
      { type: "usage", usage: { inputTokens: 214, cachedTokens: 64, outputTokens: 35 } },
      { type: "stop", reason: "tool_calls" },
    ]);
  });

  test("[DONE] without a finish_reason still ends the answer; an error object becomes an error event", () => {
    const decode = codec.streamDecoder();
    decode({
      data: '{"choices":[{"delta":{"content":"a"},"index":0}],"created":1,"model":"GigaChat","object":"chat.completion"}',
    });
    expect(decode({ data: "[DONE]" })).toEqual([{ type: "stop", reason: "stop" }]);
    const err = codec.streamDecoder()({ data: '{"status":500,"message":"Internal Server Error"}' });
    expect(err[0]?.type).toBe("error");
  });
});
