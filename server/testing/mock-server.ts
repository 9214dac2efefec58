import type { Server } from "bun";

export type Recorded = {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON, form fields (files as {name, type, size}), or raw text. */
  body: unknown;
  at: number;
};

/** A queued or default answer: a fixture name the mock knows, or an explicit response. */
export type Answer<Name extends string> =
  | Name
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { delayMs: number; then: Name };

/**
 * Base of the vendor mocks (GigaChat, Yandex, OpenAI media): a Bun server on loopback at
 * port 0 (optionally TLS), every request recorded, answers steered per route with `next()`
 * (queued) and `always()` (default). Subclasses map a request to an answer.
 */
export abstract class MockServer<Name extends string> {
  readonly received: Recorded[] = [];
  readonly aborts: string[] = [];
  private readonly queues = new Map<string, Answer<Name>[]>();
  private readonly defaults = new Map<string, Answer<Name>>();
  private server: Server<undefined> | null = null;
  private scheme = "http";

  start(opts: { tls?: { cert: string; key: string } } = {}): this {
    this.scheme = opts.tls ? "https" : "http";
    this.server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      idleTimeout: 0,
      ...(opts.tls ? { tls: opts.tls } : {}),
      fetch: (req) => this.dispatch(req),
    });
    return this;
  }

  get origin(): string {
    return `${this.scheme}://127.0.0.1:${this.server?.port}`;
  }

  stop(): void {
    this.server?.stop(true);
  }

  /** Queues answers for the next requests to `route`. */
  next(route: string, ...answers: Answer<Name>[]): this {
    const q = this.queues.get(route) ?? [];
    q.push(...answers);
    this.queues.set(route, q);
    return this;
  }

  always(route: string, answer: Answer<Name>): this {
    this.defaults.set(route, answer);
    return this;
  }

  reset(): this {
    this.queues.clear();
    this.defaults.clear();
    this.received.length = 0;
    this.aborts.length = 0;
    return this;
  }

  requests(path: string): Recorded[] {
    return this.received.filter((r) => r.path === path);
  }

  /** The answer for this request to `route`, or undefined for the subclass's own default. */
  protected answerFor(route: string): Answer<Name> | undefined {
    return this.queues.get(route)?.shift() ?? this.defaults.get(route);
  }

  protected abstract handle(req: Request, rec: Recorded): Promise<Response>;

  private async dispatch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const rec: Recorded = {
      method: req.method,
      path: url.pathname,
      headers,
      body: null,
      at: performance.now(),
    };
    rec.body = await readBody(req.clone());
    this.received.push(rec);
    req.signal.addEventListener("abort", () => this.aborts.push(url.pathname), { once: true });
    return this.handle(req, rec);
  }

  /** Renders an explicit answer (status/body, hang, delay) or returns the fixture name to serve. */
  protected async explicit(req: Request, a: Answer<Name>): Promise<Response | Name> {
    if (typeof a === "string") return a;
    if ("hang" in a) {
      await new Promise<void>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      return new Response(null, { status: 499 });
    }
    if ("delayMs" in a) {
      await Bun.sleep(a.delayMs);
      return a.then;
    }
    const text = typeof a.body === "string" ? a.body : JSON.stringify(a.body);
    return new Response(text, {
      status: a.status,
      headers: { "content-type": "application/json", ...a.headers },
    });
  }
}

async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await req.formData();
    const out: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) {
      // Bun's FormData typing yields strings only; files are Blob/File at run time.
      const entry = v as unknown;
      const value =
        typeof entry === "string"
          ? entry
          : { name: (entry as File).name, type: (entry as File).type, size: (entry as File).size };
      const prev = out[k];
      out[k] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    return out;
  }
  const text = await req.text();
  if (type.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A streamed body that sends `chunks` one by one. */
export function chunked(chunks: string[], contentType: string): Response {
  const enc = new TextEncoder();
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i >= chunks.length) controller.close();
        else controller.enqueue(enc.encode(chunks[i++]!));
      },
    }),
    { headers: { "content-type": contentType } },
  );
}
