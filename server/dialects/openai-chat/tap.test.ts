import { describe, expect, test } from "bun:test";
import { OpenAIChatTap } from "./tap.ts";

const dec = new TextDecoder();
const out = (b: Uint8Array | null) => (b === null ? null : dec.decode(b));
const chunk = (
  delta: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  finish: string | null = null,
) =>
  JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    created: 7,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });

describe("OpenAIChatTap", () => {
  test("text that looks like the markers is content, not a signal", () => {
    const tap = new OpenAIChatTap(false, "m");
    const tricky = 'say "usage":{"prompt_tokens":1} and "finish_reason":"stop" and "error":{}';
    const sent = out(tap.push({ data: chunk({ content: tricky }, { usage: null }) }));
    expect(JSON.parse(sent!.slice(6))).toMatchObject({ choices: [{ delta: { content: tricky } }] });
    expect(sent).not.toContain('"usage":null');
    expect(tap.usage()).toBeNull();
    expect(tap.failed).toBeNull();
    expect(tap.sawOutput).toBe(true);
    tap.endOfInput();
    expect(tap.ended).toBe(false); // no real finish_reason came
    expect(tap.outputText()).toBe(tricky);
  });

  test("an empty role chunk is not output; the finish reason is seen", () => {
    const tap = new OpenAIChatTap(false, "m");
    tap.push({ data: chunk({ role: "assistant", content: "" }) });
    expect(tap.sawOutput).toBe(false);
    tap.push({ data: chunk({}, {}, "stop") });
    tap.endOfInput();
    expect(tap.ended).toBe(true);
  });

  test("JSON that is not compact still has its usage stripped for a client that did not ask", () => {
    const tap = new OpenAIChatTap(false, "m");
    const spaced = JSON.stringify(JSON.parse(chunk({ content: "hi" }, { usage: null })), null, 1);
    const sent = out(tap.push({ data: spaced }));
    expect(sent).not.toContain('"usage"');
    expect(sent).toContain('"hi"');
  });

  test("usage on every chunk (continuous usage) is tapped and hidden from a client that did not ask", () => {
    const tap = new OpenAIChatTap(false, "m");
    const sent = out(
      tap.push({
        data: chunk({ content: "a" }, { usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }),
      }),
    );
    expect(sent).not.toContain("usage");
    expect(tap.usage()).toEqual({ inputTokens: 5, cachedTokens: 0, outputTokens: 1 });
    expect(
      out(
        tap.push({
          data: JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } }),
        }),
      ),
    ).toBeNull();
    expect(tap.usage()?.outputTokens).toBe(2);
  });

  test("a client that asked gets the held usage chunk after the commit, or one made up", () => {
    const asked = new OpenAIChatTap(true, "m");
    expect(out(asked.push({ data: chunk({ content: "a" }, { usage: null }) }))).toContain('"usage":null');
    expect(
      asked.push({
        data: JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }),
      }),
    ).toBeNull();
    asked.push({ data: "[DONE]" });
    expect(out(asked.finish({ inputTokens: 3, cachedTokens: 0, outputTokens: 1 }))).toBe(
      `data: ${JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } })}\n\ndata: [DONE]\n\n`,
    );
    const none = new OpenAIChatTap(true, "m");
    none.push({ data: chunk({ content: "abc" }) });
    const made = out(none.finish({ inputTokens: 4, cachedTokens: 1, outputTokens: 2 }))!;
    expect(JSON.parse(made.split("\n\n")[0]!.slice(6))).toMatchObject({
      id: "c1",
      created: 7,
      model: "m",
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 1 } },
    });
  });

  test("an error chunk fails the stream; tool call pieces count as output", () => {
    const tap = new OpenAIChatTap(false, "m");
    tap.push({ data: chunk({ tool_calls: [{ index: 0, function: { name: "f", arguments: '{"a":' } }] }) });
    expect(tap.sawOutput).toBe(true);
    expect(tap.outputText()).toBe('f{"a":');
    expect(tap.push({ data: JSON.stringify({ error: { message: "overloaded" } }) })).toBeNull();
    expect(tap.failed?.message).toBe("overloaded");
  });

  test("every chunk names the public model, the held usage chunk and a made-up one included", () => {
    const tap = new OpenAIChatTap(true, "qwen:qwen-flash");
    const up = (extra: Record<string, unknown>) =>
      JSON.stringify({ ...JSON.parse(chunk({ content: "a" })), ...extra });
    const first = out(tap.push({ data: up({ model: "mock-gpt", usage: null }) }))!;
    expect(JSON.parse(first.slice(6)).model).toBe("qwen:qwen-flash");
    const usage = { prompt_tokens: 3, completion_tokens: 1 };
    expect(
      tap.push({ data: JSON.stringify({ id: "c1", model: "mock-gpt", choices: [], usage }) }),
    ).toBeNull();
    tap.push({ data: "[DONE]" });
    const end = out(tap.finish({ inputTokens: 3, cachedTokens: 0, outputTokens: 1 }))!;
    expect(end).not.toContain("mock-gpt");
    expect(JSON.parse(end.split("\n\n")[0]!.slice(6)).model).toBe("qwen:qwen-flash");
    const made = new OpenAIChatTap(true, "pub");
    made.push({ data: up({ model: "mock-gpt" }) });
    expect(out(made.finish({ inputTokens: 1, cachedTokens: 0, outputTokens: 1 }))).toContain('"model":"pub"');
  });
});
