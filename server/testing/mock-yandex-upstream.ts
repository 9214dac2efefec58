import { type CostFields, setFields } from "./honest-caps.ts";
import { type MockBehavior, MockUpstream, type Plan } from "./mock-upstream.ts";

const STATUS: Record<string, string> = {
  stop: "ALTERNATIVE_STATUS_FINAL",
  length: "ALTERNATIVE_STATUS_TRUNCATED_FINAL",
  tool_calls: "ALTERNATIVE_STATUS_TOOL_CALLS",
  content_filter: "ALTERNATIVE_STATUS_CONTENT_FILTER",
};

/**
 * A behavior-driven Yandex Foundation Models upstream for the cross-dialect matrix (the
 * recorded-fixture mock is mock-yandex.ts): POST /foundationModels/v1/completion with
 * `Authorization: Api-Key` and `x-folder-id`, answers wrapped in `result`, int64 counts as
 * text, tool calls in `toolCallList`, streams as JSON lines carrying the whole text so far.
 * Yandex reports no cached tokens. Prompt tokens: 7 + 3 per message.
 */
export class MockYandexUpstream extends MockUpstream {
  get url(): string {
    return `${this.origin}/foundationModels/v1`;
  }

  protected accepts(req: Request, url: URL): boolean {
    return (
      req.method === "POST" &&
      url.pathname === "/foundationModels/v1/completion" &&
      /^Api-Key /.test(req.headers.get("authorization") ?? "") &&
      req.headers.get("x-folder-id") !== null
    );
  }

  /** `completionOptions.maxTokens`, an int64 sent as text. */
  protected override costFields(body: Record<string, unknown>): CostFields {
    return { caps: setFields(body.completionOptions, ["maxTokens"]), multipliers: [] };
  }

  protected errorBody(status: number): unknown {
    return { error: { grpcCode: 13, httpCode: status, message: `mock failure ${status}`, details: [] } };
  }

  protected promptTokens(body: Record<string, unknown>): number {
    return 7 + 3 * (Array.isArray(body.messages) ? body.messages.length : 0);
  }

  protected hasToolResult(body: Record<string, unknown>): boolean {
    return JSON.stringify(body.messages ?? []).includes('"toolResultList"');
  }

  protected isStream(body: Record<string, unknown>): boolean {
    return (body.completionOptions as Record<string, unknown> | undefined)?.stream === true;
  }

  private result(p: Plan, b: MockBehavior, text: string, status: string) {
    const message = p.toolCalls.length
      ? {
          role: "assistant",
          toolCallList: {
            toolCalls: p.toolCalls.map((t) => ({
              functionCall: { name: t.name, arguments: JSON.parse(t.arguments) },
            })),
          },
        }
      : { role: "assistant", text };
    const out: Record<string, unknown> = { alternatives: [{ message, status }], modelVersion: "23.10.2024" };
    if (!b.omitUsage)
      out.usage = {
        inputTextTokens: String(p.prompt),
        completionTokens: String(p.completion),
        totalTokens: String(p.prompt + p.completion),
      };
    return { result: out };
  }

  protected json(p: Plan, b: MockBehavior): unknown {
    return this.result(p, b, p.text, STATUS[p.finish] ?? "ALTERNATIVE_STATUS_FINAL");
  }

  protected events(p: Plan, b: MockBehavior) {
    if (p.toolCalls.length)
      return { events: [`${JSON.stringify(this.result(p, b, "", STATUS.tool_calls!))}\n`], contentChunks: 1 };
    let sofar = "";
    const events = p.pieces.map((piece, i) => {
      sofar += piece;
      const last = i === p.pieces.length - 1;
      const status =
        last && !b.omitDone ? (STATUS[p.finish] ?? "ALTERNATIVE_STATUS_FINAL") : "ALTERNATIVE_STATUS_PARTIAL";
      return `${JSON.stringify(this.result(p, b, sofar, status))}\n`;
    });
    return { events, contentChunks: events.length };
  }
}
