import { describe, expect, test } from "bun:test";
import { ResponsesTap } from "./tap.ts";

const ev = (event: string, data: Record<string, unknown>) => ({
  event,
  data: JSON.stringify({ type: event, ...data }),
});
const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

describe("ResponsesTap", () => {
  test("deltas pass as they came; the output counted when no usage came keeps their order", () => {
    const tap = new ResponsesTap("pub");
    const created = ev("response.created", { response: { model: "up", status: "in_progress" } });
    expect(text(tap.push(created))).toContain('"model":"pub"');
    const pieces = ['say "hi"', "error", "response", "\\", ""];
    for (const delta of pieces) {
      const d = ev("response.output_text.delta", { sequence_number: 3, item_id: "m", delta });
      // Forwarded byte for byte, whichever path read it.
      expect(text(tap.push(d))).toBe(`event: response.output_text.delta\ndata: ${d.data}\n\n`);
    }
    tap.push(ev("response.function_call_arguments.delta", { delta: '{"p":1}' }));
    // Spelled otherwise (a key before the type): parsed, and counted the same.
    tap.push({
      event: "response.output_text.delta",
      data: '{"delta":"!","type":"response.output_text.delta"}',
    });
    expect(tap.sawOutput).toBe(true);
    tap.endOfInput();
    expect(tap.outputText()).toBe(`${pieces.join("")}{"p":1}!`);
  });

  test("an error whose message looks like a delta is still an error", () => {
    for (const data of [
      { type: "error", message: 'boom {"type":"response.output_text.delta"}' },
      { type: "response.failed", response: { error: { message: "boom .delta" } } },
    ]) {
      const tap = new ResponsesTap("pub");
      expect(tap.push({ event: data.type, data: JSON.stringify(data) })).toBeNull();
      expect(tap.failed?.message).toContain("boom");
    }
  });

  test("the terminal event reports usage and is held until the charge commits", () => {
    const tap = new ResponsesTap("pub");
    tap.push(ev("response.output_text.delta", { delta: "hi" }));
    const done = ev("response.completed", {
      response: { model: "up", usage: { input_tokens: 4, output_tokens: 2 } },
    });
    expect(tap.push(done)).toBeNull();
    expect(tap.ended).toBe(true);
    expect(tap.usage()).toMatchObject({ inputTokens: 4, outputTokens: 2 });
    expect(text(tap.finish({ inputTokens: 4, cachedTokens: 0, outputTokens: 2 }))).toContain('"model":"pub"');
  });
});
