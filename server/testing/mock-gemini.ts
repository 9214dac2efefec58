import { type CostFields, setFields } from "./honest-caps.ts";
import { type MockBehavior, MockUpstream, type Plan } from "./mock-upstream.ts";

const FINISH: Record<string, string> = {
  stop: "STOP",
  length: "MAX_TOKENS",
  tool_calls: "STOP",
  content_filter: "SAFETY",
};

/**
 * A deterministic Gemini API upstream on loopback:
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`,
 * function calls sent whole, finishReason and full usageMetadata on the last chunk.
 * Prompt tokens: 7 + 3 per content.
 */
export class MockGemini extends MockUpstream {
  get url(): string {
    return `${this.origin}/v1beta`;
  }

  protected accepts(req: Request, url: URL): boolean {
    return (
      req.method === "POST" &&
      /^\/v1beta\/models\/.+:(generateContent|streamGenerateContent)$/.test(url.pathname)
    );
  }

  /** proto-JSON: each field in camelCase or snake_case, the container too. */
  protected override costFields(body: Record<string, unknown>): CostFields {
    const configs = setFields(body, ["generationConfig", "generation_config"]);
    return {
      caps: configs.flatMap((g) => setFields(g, ["maxOutputTokens", "max_output_tokens"])),
      multipliers: [configs.flatMap((g) => setFields(g, ["candidateCount", "candidate_count"]))],
    };
  }

  protected errorBody(status: number): unknown {
    const s = status === 429 ? "RESOURCE_EXHAUSTED" : status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
    return { error: { code: status, message: `mock failure ${status}`, status: s } };
  }

  protected promptTokens(body: Record<string, unknown>): number {
    return 7 + 3 * (Array.isArray(body.contents) ? body.contents.length : 0);
  }

  protected hasToolResult(body: Record<string, unknown>): boolean {
    return JSON.stringify(body.contents ?? []).includes('"functionResponse"');
  }

  protected isStream(_body: Record<string, unknown>, url: URL): boolean {
    return url.pathname.endsWith(":streamGenerateContent");
  }

  private usage(p: Plan) {
    const u: Record<string, unknown> = {
      promptTokenCount: p.prompt,
      candidatesTokenCount: p.completion,
      totalTokenCount: p.prompt + p.completion,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: p.prompt }],
    };
    if (p.cached) u.cachedContentTokenCount = p.cached;
    return u;
  }

  private model(url: URL): string {
    return decodeURIComponent(url.pathname.replace(/^\/v1beta\/models\//, "").replace(/:[A-Za-z]+$/, ""));
  }

  private calls(p: Plan) {
    return p.toolCalls.map((t) => ({ functionCall: { name: t.name, args: JSON.parse(t.arguments) } }));
  }

  private images(p: Plan) {
    return p.images.map((im) => ({ inlineData: { mimeType: im.mediaType, data: im.data } }));
  }

  protected json(p: Plan, b: MockBehavior, _body: Record<string, unknown>, url: URL): unknown {
    const parts = p.toolCalls.length ? this.calls(p) : [{ text: p.text }, ...this.images(p)];
    const out: Record<string, unknown> = {
      candidates: [{ content: { role: "model", parts }, finishReason: FINISH[p.finish] ?? "STOP", index: 0 }],
      modelVersion: this.model(url),
      responseId: `mock-resp-${p.n}`,
    };
    if (!b.omitUsage) out.usageMetadata = this.usage(p);
    return out;
  }

  protected events(p: Plan, b: MockBehavior, _body: Record<string, unknown>, url: URL) {
    const base = { modelVersion: this.model(url), responseId: `mock-resp-${p.n}` };
    const partial = b.omitUsage
      ? {}
      : { usageMetadata: { promptTokenCount: p.prompt, totalTokenCount: p.prompt } };
    const chunk = (parts: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts }, index: 0, ...(extra.candidate as object) }], ...partial, ...(extra.top as object), ...base })}\r\n\r\n`;
    const final = {
      candidate: { finishReason: FINISH[p.finish] ?? "STOP" },
      top: b.omitUsage ? {} : { usageMetadata: this.usage(p) },
    };
    const events: string[] = [];
    if (p.toolCalls.length) events.push(chunk(this.calls(p), b.omitDone ? {} : final));
    else
      p.pieces.forEach((piece, i) => {
        const last = i === p.pieces.length - 1;
        events.push(
          chunk(
            last ? [{ text: piece }, ...this.images(p)] : [{ text: piece }],
            last && !b.omitDone ? final : {},
          ),
        );
      });
    return { events, contentChunks: events.length };
  }
}
