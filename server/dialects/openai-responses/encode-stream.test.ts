import { describe, expect, test } from "bun:test";
import { SseParser } from "../../sse/parser.ts";
import { encodeAll, SAMPLE_EVENTS } from "../../testing/stream-fixtures.ts";
import { responsesStreamEncoder } from "./encode-stream.ts";
import { ResponsesTools } from "./tools.ts";

function events(out: string) {
  return new SseParser()
    .push(new TextEncoder().encode(out))
    .map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

describe("Responses stream encoder", () => {
  test("created, a message item, a function_call item, completed with output and usage; sequence numbers in order", () => {
    const tools = new ResponsesTools();
    tools.decode([{ type: "function", name: "get_weather", parameters: {} }], []);
    const evs = events(
      encodeAll(responsesStreamEncoder({ publicModel: "m-x", includeUsage: true }, tools), SAMPLE_EVENTS),
    );
    expect(evs.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(evs.map((e) => e.sequence_number)).toEqual(evs.map((_, i) => i));
    const done = evs.at(-1)!.response as {
      output: Record<string, unknown>[];
      usage: Record<string, unknown>;
      status: string;
    };
    expect(done.status).toBe("completed");
    expect(done.output[0]).toMatchObject({
      type: "message",
      content: [{ type: "output_text", text: "Let me check." }],
    });
    expect(done.output[1]).toMatchObject({
      type: "function_call",
      call_id: "call_1",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(done.usage).toMatchObject({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 12,
    });
  });

  test("namespace and custom tools map back: a flattened name carries its namespace, a custom call its raw input", () => {
    const tools = new ResponsesTools();
    const core = tools.decode(
      [
        {
          type: "namespace",
          name: "multi_agent_v1",
          tools: [{ type: "function", name: "spawn_agent", parameters: {} }],
        },
        {
          type: "custom",
          name: "apply_patch",
          format: { type: "grammar", syntax: "lark", definition: "start: x" },
        },
        { type: "web_search" },
      ],
      [],
    );
    expect(core.map((t) => t.name)).toEqual(["multi_agent_v1__spawn_agent", "apply_patch"]);
    const out = encodeAll(responsesStreamEncoder({ publicModel: "m", includeUsage: true }, tools), [
      { type: "start", id: "r", model: "u", created: 1 },
      { type: "tool_call_start", index: 0, id: "c1", name: "multi_agent_v1__spawn_agent" },
      { type: "tool_call_delta", index: 0, arguments: "{}" },
      { type: "tool_call_start", index: 1, id: "c2", name: "apply_patch" },
      { type: "tool_call_delta", index: 1, arguments: '{"input":"*** Begin Patch"}' },
      { type: "stop", reason: "tool_calls" },
    ]);
    const output = (events(out).at(-1)!.response as { output: Record<string, unknown>[] }).output;
    expect(output[0]).toMatchObject({
      type: "function_call",
      name: "spawn_agent",
      namespace: "multi_agent_v1",
      call_id: "c1",
    });
    expect(output[1]).toMatchObject({
      type: "custom_tool_call",
      name: "apply_patch",
      input: "*** Begin Patch",
      call_id: "c2",
    });
  });
});
