import { type CostFields, setFields } from "./honest-caps.ts";
import { type MockBehavior, MockUpstream, type Plan } from "./mock-upstream.ts";

const STOP: Record<string, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

/**
 * A deterministic Anthropic Messages upstream (`POST /v1/messages`) on loopback, speaking
 * the documented wire format: usage in message_start (input and cache fields) and
 * message_delta (output), ping events, tool input streamed as input_json_delta pieces.
 * Prompt tokens: 7 + 3 per message (like the OpenAI mock, so matrix rows compare).
 */
export class MockAnthropic extends MockUpstream {
  get url(): string {
    return this.origin;
  }

  protected accepts(req: Request, url: URL): boolean {
    return req.method === "POST" && url.pathname === "/v1/messages";
  }

  protected override costFields(body: Record<string, unknown>): CostFields {
    return { caps: setFields(body, ["max_tokens"]), multipliers: [] };
  }

  protected errorBody(status: number): unknown {
    const type =
      status === 429
        ? "rate_limit_error"
        : status === 529
          ? "overloaded_error"
          : status >= 500
            ? "api_error"
            : "invalid_request_error";
    return { type: "error", error: { type, message: `mock failure ${status}` } };
  }

  protected promptTokens(body: Record<string, unknown>): number {
    return 7 + 3 * (Array.isArray(body.messages) ? body.messages.length : 0);
  }

  protected hasToolResult(body: Record<string, unknown>): boolean {
    return JSON.stringify(body.messages ?? []).includes('"tool_result"');
  }

  protected isStream(body: Record<string, unknown>): boolean {
    return body.stream === true;
  }

  /** Anthropic's input_tokens excludes cache reads and writes. */
  private usage(p: Plan, output: number) {
    return {
      input_tokens: p.prompt - p.cached - p.cacheCreation,
      cache_creation_input_tokens: p.cacheCreation,
      cache_read_input_tokens: p.cached,
      ...(p.cacheCreation1h === null
        ? {}
        : {
            cache_creation: {
              ephemeral_5m_input_tokens: p.cacheCreation - p.cacheCreation1h,
              ephemeral_1h_input_tokens: p.cacheCreation1h,
            },
          }),
      output_tokens: output,
    };
  }

  protected json(p: Plan, b: MockBehavior, body: Record<string, unknown>): unknown {
    const content = p.toolCalls.length
      ? p.toolCalls.map((t, i) => ({
          type: "tool_use",
          id: `toolu_mock_${i}`,
          name: t.name,
          input: JSON.parse(t.arguments),
        }))
      : [{ type: "text", text: p.text }];
    const out: Record<string, unknown> = {
      id: `msg_mock_${p.n}`,
      type: "message",
      role: "assistant",
      model: String(body.model),
      content,
      stop_reason: STOP[p.finish] ?? "end_turn",
      stop_sequence: null,
    };
    if (!b.omitUsage) out.usage = this.usage(p, p.completion);
    return out;
  }

  protected events(p: Plan, b: MockBehavior, body: Record<string, unknown>) {
    const ev = (type: string, data: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const message: Record<string, unknown> = {
      id: `msg_mock_${p.n}`,
      type: "message",
      role: "assistant",
      model: String(body.model),
      content: [],
      stop_reason: null,
      stop_sequence: null,
    };
    if (!b.omitUsage) message.usage = this.usage(p, 1);
    const events = [ev("message_start", { message }), ev("ping", {})];
    if (p.toolCalls.length) {
      p.toolCalls.forEach((t, i) => {
        events.push(
          ev("content_block_start", {
            index: i,
            content_block: { type: "tool_use", id: `toolu_mock_${i}`, name: t.name, input: {} },
          }),
        );
        const half = Math.ceil(t.arguments.length / 2);
        for (const part of [t.arguments.slice(0, half), t.arguments.slice(half)])
          events.push(
            ev("content_block_delta", { index: i, delta: { type: "input_json_delta", partial_json: part } }),
          );
        events.push(ev("content_block_stop", { index: i }));
      });
    } else {
      events.push(ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
      for (const piece of p.pieces)
        events.push(ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }));
      events.push(ev("content_block_stop", { index: 0 }));
    }
    events.push(
      ev("message_delta", {
        delta: { stop_reason: STOP[p.finish] ?? "end_turn", stop_sequence: null },
        ...(b.omitUsage ? {} : { usage: { output_tokens: p.completion } }),
      }),
    );
    if (!b.omitDone) events.push(ev("message_stop", {}));
    const contentChunks = 2 + (p.toolCalls.length ? p.toolCalls.length * 4 : p.pieces.length + 1);
    return { events, contentChunks };
  }
}
