import { describe, expect, test } from "bun:test";
import { GeminiFraming } from "./encode-response.ts";
import { GeminiTap } from "./tap.ts";

const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);
const USAGE = { inputTokens: 4, cachedTokens: 0, outputTokens: 2 };

describe("GeminiTap", () => {
  test("each chunk's own text goes out, only its top-level modelVersion renamed", () => {
    const tap = new GeminiTap(new GeminiFraming(true), "pub");
    // Spacing and key order as the upstream wrote them; a nested modelVersion (a tool's
    // arguments) and the words inside a text stay.
    const data =
      '{"candidates": [{"content": {"role":"model","parts":[{"text":"\\"modelVersion\\": x"},{"functionCall":{"name":"f","args":{"modelVersion":"keep"}}}]}}],\n' +
      ' "usageMetadata": {"promptTokenCount": 4}, "modelVersion": "gemini-up", "responseId": "r"}';
    const oneLine = data.replace("\n", "");
    expect(text(tap.push({ data: oneLine }))).toBe(
      `data: ${oneLine.replace('"modelVersion": "gemini-up"', '"modelVersion": "pub"')}\r\n\r\n`,
    );
    // Data spanning lines cannot be one SSE event as it is: re-encoded on one line.
    const out = text(tap.push({ data }))!;
    expect(out.split("\r\n\r\n")[0]!.includes("\n")).toBe(false);
    expect(JSON.parse(out.slice(6))).toEqual({ ...JSON.parse(data), modelVersion: "pub" });
    tap.endOfInput();
    expect(tap.outputText()).toBe('"modelVersion": x{"name":"f","args":{"modelVersion":"keep"}}'.repeat(2));
  });

  test("without alt=sse the chunks form one JSON array, the finish held until the charge", () => {
    const tap = new GeminiTap(new GeminiFraming(false), "pub");
    const chunk = (t: string, extra = "") =>
      `{"candidates":[{"content":{"parts":[{"text":"${t}"}]}${extra}}],"modelVersion":"up"}`;
    const first = text(tap.push({ data: chunk("a") }));
    expect(tap.push({ data: chunk("b", ',"finishReason":"STOP"') })).toBeNull();
    tap.endOfInput();
    expect(tap.ended).toBe(true);
    const whole = first + text(tap.finish(USAGE))!;
    expect(JSON.parse(whole).map((c: { modelVersion: string }) => c.modelVersion)).toEqual(["pub", "pub"]);
  });
});
