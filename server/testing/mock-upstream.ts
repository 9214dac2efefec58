import type { Server } from "bun";
import { type CostFields, honestOutput, type ReadingOrder } from "./honest-caps.ts";

/** How a mock answers one request. Every field is optional; defaults make a plain answer. */
export type MockBehavior = {
  /** Answer text; split into `chunks` pieces when streaming. */
  text?: string;
  chunks?: number;
  toolCalls?: { name: string; arguments: string }[];
  /** OpenAI terms (stop, length, tool_calls, content_filter); each mock maps to its own. */
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
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    cached_tokens?: number;
    /** Anthropic: prompt tokens written to its cache (billed at the model's cache-write price). */
    cache_creation_tokens?: number;
    /** Anthropic: of those, the ones written for one hour; when set, `cache_creation` splits the writes. */
    cache_creation_1h_tokens?: number;
  };
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Stream: omit the end marker (`[DONE]`, `message_stop`). */
  omitDone?: boolean;
  /** Generated images (image-output models), as base64 with a media type. */
  images?: { mediaType: string; data: string }[];
  /** Fail with `status` (default 500) on this fraction of requests, from the mock's seeded random. */
  failRate?: number;
  /** Stream: send headers, then close before the first event. */
  dieBeforeFirstEvent?: boolean;
  /**
   * Stream: send these pieces of the body verbatim instead of the dialect's events (hostile or
   * odd upstreams); bytes as they are (a character's bytes split across writes).
   */
  rawStream?: (string | Uint8Array)[];
  /** Stream: after the last piece keep the body open until the client goes (it leaves mid-answer). */
  holdOpen?: boolean;
  /**
   * Agent loops: answer with `toolCalls` while the request offers those tools and carries
   * no tool result yet, then with `text`. Steered through the control API like the rest.
   */
  toolsUntilResult?: boolean;
  /**
   * Write every answer up to the output cap the request sets (none: a very long answer),
   * reading duplicate spellings in this order, and report that usage (see honest-caps.ts).
   */
  honestCaps?: ReadingOrder;
};

export type Received = {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** The body's bytes as they came (as text): what the gateway forwarded, to the byte. */
  text: string;
  at: number;
};
export type Abort = { at: number; path: string };

export const DEFAULT_TEXT = "Hello from the mock upstream.";

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

/** The mock cutting a stream on purpose (not a test failure). */
class MockDrop extends Error {
  constructor() {
    super("mock drops the connection");
    this.name = "MockDrop";
  }
}

export function splitText(text: string, n: number): string[] {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / n));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(""));
  return out.length ? out : [""];
}

/** The answer a behavior asks for, in dialect-neutral terms (each mock renders it). */
export type Plan = {
  n: number;
  text: string;
  pieces: string[];
  toolCalls: { name: string; arguments: string }[];
  finish: string;
  prompt: number;
  completion: number;
  cached: number;
  cacheCreation: number;
  cacheCreation1h: number | null;
  images: { mediaType: string; data: string }[];
};

const enc = new TextEncoder();

/**
 * The part every mock upstream shares: a server on loopback (port 0), a control API
 * (`next(behavior)` queues a behavior for the next request, `always(...)` sets the
 * default, also over HTTP at /__control/next and /__control/always), the record of
 * every request received and every request whose client went away, and the streaming
 * mechanics (delays, dropped connections). Subclasses render their wire format.
 */
export abstract class MockUpstream {
  readonly received: Received[] = [];
  readonly aborts: Abort[] = [];
  private queue: MockBehavior[] = [];
  private fallback: MockBehavior = {};
  private server: Server<undefined> | null = null;
  protected counter = 0;
  private readonly random: () => number;
  /** Requests answered with an injected failure. */
  failed = 0;
  /** Usage reported in `honestCaps` mode, by the gateway's x-request-id. */
  readonly reported = new Map<string, { prompt: number; completion: number }>();

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

  protected get origin(): string {
    return `http://127.0.0.1:${this.server?.port}`;
  }

  /** The base URL to configure the provider with. */
  abstract get url(): string;

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
    this.reported.clear();
    return this;
  }

  stop(): void {
    this.server?.stop(true);
  }

  /** Handles the dialect's own non-generation routes (model lists...); null for the rest. */
  protected route(_req: Request, _url: URL): Response | null {
    return null;
  }

  /** The request's cost-bearing fields as this vendor reads them (for `honestCaps`). */
  protected costFields(_body: Record<string, unknown>, _url: URL): CostFields {
    return { caps: [], multipliers: [] };
  }

  /** Whether this path is a generation request the mock answers. */
  protected abstract accepts(req: Request, url: URL): boolean;
  protected abstract errorBody(status: number): unknown;
  /** Prompt tokens of a request when the behavior sets none (deterministic). */
  protected abstract promptTokens(body: Record<string, unknown>): number;
  /** Whether the request already carries a tool result (agent loops). */
  protected abstract hasToolResult(body: Record<string, unknown>): boolean;
  protected abstract isStream(body: Record<string, unknown>, url: URL): boolean;
  protected abstract json(plan: Plan, b: MockBehavior, body: Record<string, unknown>, url: URL): unknown;
  /** The stream's events and how many of them are content (for dropAfterChunks). */
  protected abstract events(
    plan: Plan,
    b: MockBehavior,
    body: Record<string, unknown>,
    url: URL,
  ): {
    events: string[];
    contentChunks: number;
  };

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
    const routed = this.route(req, url);
    if (routed) return routed;
    if (!this.accepts(req, url)) return new Response("not found", { status: 404 });

    const raw = await req.text();
    const body = JSON.parse(raw) as Record<string, unknown>;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    this.received.push({ path: url.pathname + url.search, headers, body, text: raw, at: performance.now() });
    let b = this.queue.shift() ?? this.fallback;
    // Agent loops: call the tool only while no result came back, and only where the tool is on offer
    // (a title or summary request without tools gets text).
    const offered = (b.toolCalls ?? []).every((t) =>
      JSON.stringify(body.tools ?? "").includes(`"${t.name}"`),
    );
    if (b.toolsUntilResult && (this.hasToolResult(body) || !offered)) b = { ...b, toolCalls: [] };
    req.signal.addEventListener(
      "abort",
      () => this.aborts.push({ at: performance.now(), path: url.pathname }),
      {
        once: true,
      },
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
      return new Response(JSON.stringify(b.errorBody ?? this.errorBody(status)), {
        status,
        headers: { "content-type": "application/json", ...b.headers },
      });
    }
    const text = b.text ?? DEFAULT_TEXT;
    const pieces = splitText(text, b.chunks ?? 4);
    const toolCalls = b.toolCalls ?? [];
    const plan: Plan = {
      n: ++this.counter,
      text,
      pieces,
      toolCalls,
      finish: b.finishReason ?? (toolCalls.length ? "tool_calls" : "stop"),
      prompt: b.usage?.prompt_tokens ?? this.promptTokens(body),
      completion:
        b.usage?.completion_tokens ??
        (b.honestCaps ? honestOutput(this.costFields(body, url), b.honestCaps) : null) ??
        pieces.length + toolCalls.length * 5,
      cached: b.usage?.cached_tokens ?? 0,
      cacheCreation: b.usage?.cache_creation_tokens ?? 0,
      cacheCreation1h: b.usage?.cache_creation_1h_tokens ?? null,
      images: b.images ?? [],
    };
    if (b.honestCaps)
      this.reported.set(headers["x-request-id"] ?? `#${plan.n}`, {
        prompt: plan.prompt,
        completion: plan.completion,
      });
    if (!this.isStream(body, url))
      return Response.json(this.json(plan, b, body, url), { headers: b.headers });

    if (b.dieBeforeFirstEvent) {
      const dying = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await Bun.sleep(20);
          controller.error(new MockDrop());
        },
      });
      return new Response(dying, { headers: { "content-type": "text/event-stream" } });
    }
    const { events, contentChunks } = b.rawStream
      ? { events: b.rawStream, contentChunks: 0 }
      : this.events(plan, b, body, url);
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
          if (b.holdOpen) {
            await new Promise((resolve) => req.signal.addEventListener("abort", resolve, { once: true }));
            return; // the client went: the stream is cancelled, not closed
          }
          controller.close();
          return;
        }
        if (delay && i > 0) await Bun.sleep(delay);
        const piece = events[i++]!;
        controller.enqueue(typeof piece === "string" ? enc.encode(piece) : piece);
      },
      cancel: () => {
        this.aborts.push({ at: performance.now(), path: url.pathname });
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream", ...b.headers } });
  }
}
