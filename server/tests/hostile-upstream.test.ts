/**
 * An upstream that misbehaves on purpose (or is compromised): a line that never ends, an
 * event that never closes, an error event that echoes the gateway's own key. Memory stays
 * bounded, the client's stream ends with an error event, and no secret reaches it.
 */
import { describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { PROVIDER_SECRET, standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;
withGateway(standardConfig, (m, t) => {
  mock = m;
  tg = t;
});

const chunk = (content: string) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "mock-model",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;

/** Streams a chat and returns what arrived and the error that ended it (or refused it). */
async function streamed(
  openai: OpenAI,
): Promise<{ text: string; error: { code?: string; message: string } | null }> {
  let text = "";
  try {
    const stream = await openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const ch of stream) text += ch.choices[0]?.delta.content ?? "";
  } catch (e) {
    const err = e as { code?: string; error?: { code?: string }; message: string };
    return { text, error: { code: err.error?.code ?? err.code, message: err.message } };
  }
  return { text, error: null };
}

const MB = 1024 * 1024;

describe("unbounded upstream streams", () => {
  test("a line that never ends is cut at the cap: the stream fails as an invalid upstream answer", async () => {
    const c = await tg.client(10);
    mock.next({ rawStream: [chunk("first "), `data: ${"a".repeat(17 * MB)}`] });
    const { text, error } = await streamed(c.openai);
    expect(text).toBe("first ");
    expect(error?.code).toBe("upstream_invalid_response");
    const [row] = await tg.logRows(c.keyId);
    expect(row).toMatchObject({ outcome: "error", error_code: "upstream_invalid_response" });
  });

  test("data lines that never reach a blank line are one event: capped the same way", async () => {
    const c = await tg.client(10);
    const line = `data: ${"b".repeat(MB)}\n`;
    mock.next({ rawStream: [chunk("first "), ...Array.from({ length: 18 }, () => line)] });
    const { text, error } = await streamed(c.openai);
    expect(text).toBe("first ");
    expect(error?.code).toBe("upstream_invalid_response");
  });
});

describe("errors inside a stream", () => {
  test("an in-stream error that echoes the provider's key, its header values, or anything key-shaped, is scrubbed", async () => {
    const c = await tg.client(10);
    const headerValue = "plain-header-credential-777";
    expect((await tg.admin("PATCH", "/providers/mock", { headers: { "api-key": headerValue } })).status).toBe(
      200,
    );
    // Every attempt gets it: whether the error arrives after the first output (the stream
    // ends with an error event) or with it (the attempt fails over, then the call fails),
    // the client sees the upstream's message, scrubbed.
    mock.always({
      chunkDelayMs: 20,
      rawStream: [
        chunk("first "),
        `data: ${JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${PROVIDER_SECRET}; see also sk-someone-elses-key-999999`,
          },
        })}\n\n`,
      ],
    });
    const { error } = await streamed(c.openai);
    expect(error).not.toBeNull();
    expect(error!.message).toContain("Incorrect API key provided: [redacted]");
    for (const secret of [PROVIDER_SECRET, headerValue, "sk-someone-elses-key"]) {
      expect(error!.message).not.toContain(secret);
      expect(JSON.stringify(await tg.logRows(c.keyId))).not.toContain(secret);
    }
    await tg.admin("PATCH", "/providers/mock", { headers: {} });
  });
});
