import { describe, expect, test } from "bun:test";
import { anthropicDialect } from "../anthropic/index.ts";
import { decodeResponsesRequest } from "./decode-request.ts";
import { ResponsesRequest } from "./schema.ts";
import { ResponsesTools } from "./tools.ts";

/** The shape Codex 0.169 sends (trimmed): developer messages, a namespace tool, web_search, a tool loop. */
const CODEX = ResponsesRequest.parse({
  model: "m-anthropic",
  stream: true,
  store: false,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "thread-1",
  client_metadata: { thread_id: "thread-1" },
  reasoning: { summary: "auto" },
  tool_choice: "auto",
  parallel_tool_calls: true,
  input: [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "You are Codex." }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "cat hello.txt" }] },
    {
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: "I will run cat." }],
      encrypted_content: "tg1:SIG",
    },
    { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"cat hello.txt"}' },
    { type: "function_call_output", call_id: "call_1", output: "hello" },
  ],
  tools: [
    {
      type: "function",
      name: "exec_command",
      strict: false,
      parameters: { type: "object", properties: { cmd: { type: "string" } } },
    },
    {
      type: "namespace",
      name: "multi_agent_v1",
      tools: [{ type: "function", name: "close_agent", parameters: { type: "object", properties: {} } }],
    },
    { type: "web_search", external_web_access: false },
  ],
});

describe("Responses request -> canonical", () => {
  test("Codex's request: developer text is system, the loop is kept, namespace flattened, built-ins dropped", () => {
    const tools = new ResponsesTools();
    const core = decodeResponsesRequest(CODEX, tools);
    expect(core.system.map((p) => p.text)).toEqual(["You are Codex."]);
    expect(core.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(core.messages[1]?.parts).toEqual([
      { type: "thinking", text: "I will run cat.", signature: "SIG" },
      { type: "tool_call", id: "call_1", name: "exec_command", arguments: '{"cmd":"cat hello.txt"}' },
    ]);
    expect(core.tools.map((t) => t.name)).toEqual(["exec_command", "multi_agent_v1__close_agent"]);
    expect(core.hints).toEqual(
      expect.arrayContaining([
        "store",
        "include",
        "prompt_cache_key",
        "client_metadata",
        "reasoning.summary",
        "tools[web_search]",
      ]),
    );
  });

  test("encoded for Anthropic: our signed reasoning goes back as a thinking block before the call", () => {
    const dropped: string[] = [];
    const body = anthropicDialect.encodeRequest(decodeResponsesRequest(CODEX, new ResponsesTools()), {
      upstreamModel: "claude",
      maxTokens: null,
      outputLimit: 4096,
      dropped,
      capabilities: {},
    }) as {
      messages: { role: string; content: Record<string, unknown>[] }[];
      system: unknown;
      max_tokens: number;
    };
    expect(body.max_tokens).toBe(4096);
    expect(body.messages[1]?.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    expect(body.messages[2]?.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "call_1" });
    expect(dropped).toEqual(expect.arrayContaining(["prompt_cache_key", "tools[web_search]"]));
  });

  test("previous_response_id gets a clear 400: nothing is stored", () => {
    const req = ResponsesRequest.parse({ model: "m", input: "hi", previous_response_id: "resp_1" });
    expect(() => decodeResponsesRequest(req, new ResponsesTools())).toThrow(
      /previous_response_id is not supported/,
    );
  });
});
