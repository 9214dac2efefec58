import { describe, expect, test } from "bun:test";
import { openaiChatDialect } from "../openai-chat/index.ts";
import { decodeMessagesRequest } from "./decode-request.ts";
import { MessagesRequest } from "./schema.ts";

/** The shape Claude Code 2.1 sends (trimmed): a system turn inside messages, cache_control, adaptive thinking, deferred tools. */
const CLAUDE_CODE = MessagesRequest.parse({
  model: "m-openai",
  max_tokens: 32000,
  stream: true,
  system: [
    { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.330" },
    { type: "text", text: "You are a Claude agent.", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    { role: "user", content: [{ type: "text", text: "<system-reminder>...</system-reminder>" }] },
    { role: "system", content: [{ type: "text", text: "# Environment\nPlatform: linux" }] },
    {
      role: "user",
      content: [{ type: "text", text: "read hello.txt", cache_control: { type: "ephemeral" } }],
    },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/w/hello.txt" } }],
    },
    {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "hello" }] }],
    },
  ],
  tools: [
    {
      name: "Read",
      description: "Reads a file",
      input_schema: { type: "object", properties: { file_path: { type: "string" } } },
    },
    { name: "DeferredToolPlaceholder", defer_loading: true, input_schema: { type: "object" } },
    { type: "web_search_20250305", name: "web_search", max_uses: 5 },
  ],
  metadata: { user_id: '{"device_id":"d"}' },
  thinking: { type: "adaptive", display: "omitted" },
  context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
  output_config: { effort: "high" },
});

describe("Messages request -> canonical", () => {
  test("an effort named like an Object.prototype member is no effort at all", () => {
    for (const effort of ["constructor", "__proto__", "toString"]) {
      const core = decodeMessagesRequest(
        MessagesRequest.parse({
          model: "m",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
          output_config: { effort },
        }),
      );
      expect(core.reasoning).toBeUndefined();
    }
  });

  test("Claude Code's request: system turns gathered, tool loop kept, hints named", () => {
    const core = decodeMessagesRequest(CLAUDE_CODE);
    expect(core.system.map((p) => p.text)).toEqual([
      "x-anthropic-billing-header: cc_version=2.1.330",
      "You are a Claude agent.",
      "# Environment\nPlatform: linux",
    ]);
    expect(core.messages.map((m) => m.role)).toEqual(["user", "user", "assistant", "user"]);
    expect(core.tools.map((t) => t.name)).toEqual(["Read", "DeferredToolPlaceholder"]);
    expect(core.reasoning).toEqual({ effort: "high" });
    expect(core.hints).toEqual(
      expect.arrayContaining([
        "cache_control",
        "context_management",
        "defer_loading",
        "tools[web_search_20250305]",
      ]),
    );
    expect(core.maxTokens).toBe(32000);
  });

  test("encoded for an OpenAI upstream: tool result right after the call, hints dropped and listed", () => {
    const dropped: string[] = [];
    const body = openaiChatDialect.encodeRequest(decodeMessagesRequest(CLAUDE_CODE), {
      upstreamModel: "up",
      maxTokens: 32000,
      outputLimit: 32000,
      dropped,
      capabilities: {},
    }) as { messages: Record<string, unknown>[]; tools: unknown[] };
    expect(body.messages.map((m) => m.role)).toEqual(["system", "user", "user", "assistant", "tool"]);
    expect(body.messages[4]).toEqual({ role: "tool", tool_call_id: "toolu_1", content: "hello" });
    expect(body.tools).toHaveLength(2);
    // No reasoning capability declared: effort is dropped, not sent (a model without it would refuse).
    expect(dropped).toEqual(
      expect.arrayContaining([
        "reasoning",
        "cache_control",
        "context_management",
        "tools[web_search_20250305]",
      ]),
    );
  });

  test("a document block cannot be translated: refused naming the feature", () => {
    const req = MessagesRequest.parse({
      model: "m",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" } },
          ],
        },
      ],
    });
    expect(() => decodeMessagesRequest(req)).toThrow(/document \(PDF\) input/);
  });
});
