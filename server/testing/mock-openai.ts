import { type CostFields, setFields } from "./honest-caps.ts";
import { responsesEvents, responsesJson } from "./mock-openai-responses.ts";
import { type MockBehavior, MockUpstream, type Plan } from "./mock-upstream.ts";

export type { Abort, MockBehavior, Received } from "./mock-upstream.ts";
export { DEFAULT_TEXT } from "./mock-upstream.ts";

/** Deterministic usage of a request: 7 + 3 per message prompt tokens. */
export function mockPromptTokens(body: Record<string, unknown>): number {
  return 7 + 3 * (Array.isArray(body.messages) ? body.messages.length : 0);
}

/**
 * A deterministic OpenAI-compatible upstream (`/v1/chat/completions`) on loopback,
 * steered through its control API (see MockUpstream).
 */
export class MockOpenAI extends MockUpstream {
  /** What GET /v1/models lists (the panel's e2e tests list more). */
  listed = ["mock-model"];

  get url(): string {
    return `${this.origin}/v1`;
  }

  protected override route(req: Request, url: URL): Response | null {
    if (req.method === "GET" && url.pathname === "/v1/models")
      return Response.json({
        object: "list",
        data: this.listed.map((id) => ({ id, object: "model", created: 0, owned_by: "mock" })),
      });
    return null;
  }

  protected accepts(req: Request, url: URL): boolean {
    return (
      req.method === "POST" && (url.pathname === "/v1/chat/completions" || url.pathname === "/v1/responses")
    );
  }

  /**
   * Chat: both cap spellings; `n` answers, `best_of` generated for each; rejected
   * prediction tokens billed beyond the cap (about 4 characters a token). Responses: its cap.
   */
  protected override costFields(body: Record<string, unknown>, url: URL): CostFields {
    if (url.pathname === "/v1/responses")
      return { caps: setFields(body, ["max_output_tokens"]), multipliers: [] };
    const prediction = body.prediction == null ? "" : JSON.stringify(body.prediction);
    return {
      caps: setFields(body, ["max_tokens", "max_completion_tokens"]),
      multipliers: [setFields(body, ["n"]), setFields(body, ["best_of"])],
      beyondCap: Math.ceil(prediction.length / 4),
    };
  }

  protected errorBody(status: number): unknown {
    return { error: { message: `mock failure ${status}`, type: "server_error", code: null } };
  }

  protected promptTokens(body: Record<string, unknown>): number {
    if (Array.isArray(body.input)) return 7 + 3 * body.input.length;
    return mockPromptTokens(body);
  }

  protected hasToolResult(body: Record<string, unknown>): boolean {
    return (
      Array.isArray(body.messages) && body.messages.some((m) => (m as { role?: unknown }).role === "tool")
    );
  }

  protected isStream(body: Record<string, unknown>): boolean {
    return body.stream === true;
  }

  private usage(p: Plan) {
    return {
      prompt_tokens: p.prompt,
      completion_tokens: p.completion,
      total_tokens: p.prompt + p.completion,
      prompt_tokens_details: { cached_tokens: p.cached },
    };
  }

  protected json(p: Plan, b: MockBehavior, body: Record<string, unknown>, url: URL): unknown {
    if (url.pathname === "/v1/responses") return responsesJson(p, b, body);
    const message: Record<string, unknown> = {
      role: "assistant",
      content: p.toolCalls.length ? null : p.text,
    };
    if (p.toolCalls.length) {
      message.tool_calls = p.toolCalls.map((t, i) => ({
        id: `call_${i}`,
        type: "function",
        function: { name: t.name, arguments: t.arguments },
      }));
    }
    if (p.images.length)
      message.images = p.images.map((im) => ({
        type: "image_url",
        image_url: { url: `data:${im.mediaType};base64,${im.data}` },
      }));
    const n = typeof body.n === "number" ? body.n : 1;
    const out: Record<string, unknown> = {
      id: `chatcmpl-mock-${p.n}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: String(body.model),
      choices: Array.from({ length: n }, (_, index) => ({
        index,
        message,
        finish_reason: p.finish,
        logprobs: null,
      })),
    };
    if (!b.omitUsage) out.usage = this.usage(p);
    return out;
  }

  protected events(p: Plan, b: MockBehavior, body: Record<string, unknown>, url: URL) {
    if (url.pathname === "/v1/responses") return responsesEvents(p, b, body);
    const id = `chatcmpl-mock-${p.n}`;
    const model = String(body.model);
    const created = 1_700_000_000;
    const wantUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...(wantUsage && !b.omitUsage ? { usage: null } : {}), ...extra })}\n\n`;
    const events = [chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])];
    if (p.toolCalls.length) {
      p.toolCalls.forEach((t, i) => {
        events.push(
          chunk([
            {
              index: 0,
              delta: {
                tool_calls: [
                  { index: i, id: `call_${i}`, type: "function", function: { name: t.name, arguments: "" } },
                ],
              },
              finish_reason: null,
            },
          ]),
        );
        const half = Math.ceil(t.arguments.length / 2);
        for (const part of [t.arguments.slice(0, half), t.arguments.slice(half)]) {
          events.push(
            chunk([
              {
                index: 0,
                delta: { tool_calls: [{ index: i, function: { arguments: part } }] },
                finish_reason: null,
              },
            ]),
          );
        }
      });
    } else {
      for (const piece of p.pieces)
        events.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
    }
    for (const im of p.images)
      events.push(
        chunk([
          {
            index: 0,
            delta: {
              images: [{ type: "image_url", image_url: { url: `data:${im.mediaType};base64,${im.data}` } }],
            },
            finish_reason: null,
          },
        ]),
      );
    events.push(chunk([{ index: 0, delta: {}, finish_reason: p.finish }]));
    if (wantUsage && !b.omitUsage)
      events.push(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: this.usage(p) })}\n\n`,
      );
    if (!b.omitDone) events.push("data: [DONE]\n\n");
    const contentChunks = 1 + (p.toolCalls.length ? p.toolCalls.length * 3 : p.pieces.length);
    return { events, contentChunks };
  }
}
