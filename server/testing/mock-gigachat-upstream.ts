import { type CostFields, setFields } from "./honest-caps.ts";
import { type MockBehavior, MockUpstream, type Plan } from "./mock-upstream.ts";

const FINISH: Record<string, string> = {
  stop: "stop",
  length: "length",
  tool_calls: "function_call",
  content_filter: "blacklist",
};

/**
 * A behavior-driven GigaChat upstream for the cross-dialect matrix (the recorded-fixture
 * mock is mock-gigachat.ts): the OAuth endpoint at /api/v2/oauth (the token it issues names
 * the authorization key it was issued for, so the matrix can see which credential reached
 * the upstream), chat completions at /api/v1/chat/completions answering with
 * `function_call` (arguments as an object), SSE streams with usage on the last chunk,
 * `prompt_tokens` excluding `precached_prompt_tokens`. Prompt tokens: 7 + 3 per message.
 */
export class MockGigaChatUpstream extends MockUpstream {
  get url(): string {
    return `${this.origin}/api/v1`;
  }

  get authUrl(): string {
    return `${this.origin}/api/v2/oauth`;
  }

  protected override route(req: Request, url: URL): Response | null {
    if (req.method !== "POST" || url.pathname !== "/api/v2/oauth") return null;
    const key = /^Basic (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
    if (!key || !req.headers.get("rquid"))
      return Response.json({ code: 6, message: "Unauthorized" }, { status: 401 });
    return Response.json({ access_token: `giga-token-for-${key}`, expires_at: Date.now() + 30 * 60_000 });
  }

  protected accepts(req: Request, url: URL): boolean {
    return (
      req.method === "POST" &&
      url.pathname === "/api/v1/chat/completions" &&
      /^Bearer giga-token-for-/.test(req.headers.get("authorization") ?? "")
    );
  }

  protected override costFields(body: Record<string, unknown>): CostFields {
    return { caps: setFields(body, ["max_tokens"]), multipliers: [setFields(body, ["n"])] };
  }

  protected errorBody(status: number): unknown {
    return { status, message: `mock failure ${status}` };
  }

  protected promptTokens(body: Record<string, unknown>): number {
    return 7 + 3 * (Array.isArray(body.messages) ? body.messages.length : 0);
  }

  protected hasToolResult(body: Record<string, unknown>): boolean {
    return JSON.stringify(body.messages ?? []).includes('"role":"function"');
  }

  protected isStream(body: Record<string, unknown>): boolean {
    return body.stream === true;
  }

  private usage(p: Plan) {
    return {
      prompt_tokens: p.prompt - p.cached,
      completion_tokens: p.completion,
      total_tokens: p.prompt - p.cached + p.completion,
      precached_prompt_tokens: p.cached,
    };
  }

  private call(p: Plan) {
    const t = p.toolCalls[0];
    return t
      ? {
          function_call: { name: t.name, arguments: JSON.parse(t.arguments) },
          functions_state_id: `6f0b1291-c7f3-43c6-bb2e-${String(p.n).padStart(12, "0")}`,
        }
      : {};
  }

  protected json(p: Plan, b: MockBehavior, body: Record<string, unknown>): unknown {
    const message = { role: "assistant", content: p.toolCalls.length ? "" : p.text, ...this.call(p) };
    const out: Record<string, unknown> = {
      choices: [{ message, index: 0, finish_reason: FINISH[p.finish] ?? "stop" }],
      created: 1_700_000_000,
      model: String(body.model),
      object: "chat.completion",
    };
    if (!b.omitUsage) out.usage = this.usage(p);
    return out;
  }

  protected events(p: Plan, b: MockBehavior, body: Record<string, unknown>) {
    const base = { created: 1_700_000_000, model: String(body.model), object: "chat.completion" };
    const chunk = (delta: Record<string, unknown>, last: boolean) =>
      `data: ${JSON.stringify({
        choices: [
          { delta, index: 0, ...(last && !b.omitDone ? { finish_reason: FINISH[p.finish] ?? "stop" } : {}) },
        ],
        ...base,
        ...(last && !b.omitUsage && !b.omitDone ? { usage: this.usage(p) } : {}),
      })}\n\n`;
    const events = p.toolCalls.length
      ? [chunk({ role: "assistant", content: "", ...this.call(p) }, true)]
      : p.pieces.map((piece, i) =>
          chunk(
            i === 0 ? { role: "assistant", content: piece } : { content: piece },
            i === p.pieces.length - 1,
          ),
        );
    const contentChunks = events.length;
    if (!b.omitDone) events.push("data: [DONE]\n\n");
    return { events, contentChunks };
  }
}
