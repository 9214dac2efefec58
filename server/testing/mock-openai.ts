import type { Server } from "bun";

/** How the mock answers one request. Every field is optional; defaults make a plain answer. */
export type MockBehavior = {
  /** Answer text; split into `chunks` pieces when streaming. */
  text?: string;
  chunks?: number;
  toolCalls?: { name: string; arguments: string }[];
  finishReason?: string;
  /** Delay before the response headers. */
  delayMs?: number;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
  /** Fail with this status and body instead of answering. */
  status?: number;
  errorBody?: unknown;
  headers?: Record<string, string>;
  /** Stream: close the connection abruptly after this many content chunks. */
  dropAfterChunks?: number;
  /** Send no usage at all (neither in JSON nor in the stream). */
  omitUsage?: boolean;
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Stream: omit the final `data: [DONE]`. */
  omitDone?: boolean;
  /** Fail with `status` (default 500) on this fraction of requests, from the mock's seeded random. */
  failRate?: number;
  /** Stream: send headers, then close before the first event. */
  dieBeforeFirstEvent?: boolean;
};

/** mulberry32: a small seeded PRNG, so "fails 30% at random" is the same every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Received = {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  at: number;
};
export type Abort = { at: number; path: string };

const enc = new TextEncoder();

/** The mock cutting a stream on purpose (not a test failure). */
class MockDrop extends Error {
  constructor() {
    super("mock drops the connection");
    this.name = "MockDrop";
  }
}

export const DEFAULT_TEXT = "Hello from the mock upstream.";

/** Deterministic usage of a request: 7 + 3 per message prompt tokens. */
export function mockPromptTokens(body: Record<string, unknown>): number {
  return 7 + 3 * (Array.isArray(body.messages) ? body.messages.length : 0);
}

/**
 * A deterministic OpenAI-compatible upstream on loopback (port 0), steered through its
 * control API: `next(behavior)` queues a behavior for the next request, `always(...)`
 * sets the default. It records every request it received and every request whose
 * client went away, with timestamps.
 */
export class MockOpenAI {
  readonly received: Received[] = [];
  readonly aborts: Abort[] = [];
  private queue: MockBehavior[] = [];
  private fallback: MockBehavior = {};
  private server: Server<undefined> | null = null;
  private counter = 0;
  private readonly random: () => number;
  /** Requests answered with an injected failure. */
  failed = 0;

  constructor(opts: { seed?: number } = {}) {
    this.random = seeded(opts.seed ?? 42);
  }

  start(): this {
    this.server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      idleTimeout: 0,
      fetch: (req) => this.handle(req),
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server?.port}/v1`;
  }

  next(...behaviors: MockBehavior[]): this {
    this.queue.push(...behaviors);
    return this;
  }

  always(b: MockBehavior): this {
    this.fallback = b;
    return this;
  }

  reset(): this {
    this.queue = [];
    this.fallback = {};
    this.received.length = 0;
    this.aborts.length = 0;
    return this;
  }

  stop(): void {
    this.server?.stop(true);
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === "/__control/next") {
      this.next(...((await req.json()) as MockBehavior[]));
      return new Response("ok");
    }
    if (req.method === "POST" && url.pathname === "/__control/always") {
      this.always((await req.json()) as MockBehavior);
      return new Response("ok");
    }
    if (req.method === "GET" && url.pathname === "/v1/models") {
      return Response.json({
        object: "list",
        data: [{ id: "mock-model", object: "model", created: 0, owned_by: "mock" }],
      });
    }
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions")
      return new Response("not found", { status: 404 });

    const body = (await req.json()) as Record<string, unknown>;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    this.received.push({ path: url.pathname, headers, body, at: performance.now() });
    const b = this.queue.shift() ?? this.fallback;
    req.signal.addEventListener(
      "abort",
      () => this.aborts.push({ at: performance.now(), path: url.pathname }),
      { once: true },
    );

    if (b.hang) {
      await new Promise<void>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      return new Response(null, { status: 499 });
    }
    if (b.delayMs) await Bun.sleep(b.delayMs);
    const injected = b.failRate !== undefined && this.random() < b.failRate;
    if (injected) this.failed++;
    if (injected || (b.status && b.status >= 400)) {
      const status = b.status && b.status >= 400 ? b.status : 500;
      return new Response(
        JSON.stringify(
          b.errorBody ?? { error: { message: `mock failure ${status}`, type: "server_error", code: null } },
        ),
        {
          status,
          headers: { "content-type": "application/json", ...b.headers },
        },
      );
    }
    const id = `chatcmpl-mock-${++this.counter}`;
    const model = String(body.model);
    const text = b.text ?? DEFAULT_TEXT;
    const prompt = b.usage?.prompt_tokens ?? mockPromptTokens(body);
    const pieces = splitText(text, b.chunks ?? 4);
    const completion = b.usage?.completion_tokens ?? pieces.length + (b.toolCalls?.length ?? 0) * 5;
    const usage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: b.usage?.cached_tokens ?? 0 },
    };
    const finish = b.finishReason ?? (b.toolCalls?.length ? "tool_calls" : "stop");
    const created = 1_700_000_000;

    if (body.stream !== true) {
      const message: Record<string, unknown> = {
        role: "assistant",
        content: b.toolCalls?.length ? null : text,
      };
      if (b.toolCalls?.length) {
        message.tool_calls = b.toolCalls.map((t, i) => ({
          id: `call_${i}`,
          type: "function",
          function: { name: t.name, arguments: t.arguments },
        }));
      }
      const n = typeof body.n === "number" ? body.n : 1;
      const out: Record<string, unknown> = {
        id,
        object: "chat.completion",
        created,
        model,
        choices: Array.from({ length: n }, (_, index) => ({
          index,
          message,
          finish_reason: finish,
          logprobs: null,
        })),
      };
      if (!b.omitUsage) out.usage = usage;
      return Response.json(out, { headers: b.headers });
    }

    const wantUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      enc.encode(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...(wantUsage && !b.omitUsage ? { usage: null } : {}), ...extra })}\n\n`,
      );
    const events: Uint8Array[] = [
      chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
    ];
    if (b.toolCalls?.length) {
      b.toolCalls.forEach((t, i) => {
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
      for (const p of pieces) events.push(chunk([{ index: 0, delta: { content: p }, finish_reason: null }]));
    }
    events.push(chunk([{ index: 0, delta: {}, finish_reason: finish }]));
    if (wantUsage && !b.omitUsage) {
      events.push(
        enc.encode(
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`,
        ),
      );
    }
    if (!b.omitDone) events.push(enc.encode("data: [DONE]\n\n"));

    if (b.dieBeforeFirstEvent) {
      const dying = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await Bun.sleep(20);
          controller.error(new MockDrop());
        },
      });
      return new Response(dying, { headers: { "content-type": "text/event-stream" } });
    }
    const contentChunks = 1 + (b.toolCalls?.length ? b.toolCalls.length * 3 : pieces.length);
    let i = 0;
    const delay = b.chunkDelayMs ?? 0;
    const drop = b.dropAfterChunks;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (drop !== undefined && i >= drop + 1 && i < contentChunks) {
          // Let what was sent reach the wire first: a cut after the first bytes, not a refused response.
          await Bun.sleep(30);
          controller.error(new MockDrop());
          return;
        }
        if (i >= events.length) {
          controller.close();
          return;
        }
        if (delay && i > 0) await Bun.sleep(delay);
        controller.enqueue(events[i++]!);
      },
      cancel: () => {
        this.aborts.push({ at: performance.now(), path: url.pathname });
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream", ...b.headers } });
  }
}

function splitText(text: string, n: number): string[] {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / n));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(""));
  return out.length ? out : [""];
}
