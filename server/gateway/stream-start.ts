import { GatewayError } from "../errors.ts";
import { scrub, upstreamStreamCut } from "../providers/errors.ts";
import type { SseEvent } from "../sse/parser.ts";

/**
 * Waits for an upstream stream's first event, so that a stream is only handed on (and its
 * first byte sent to the client) once it really started: a stream that ends before its
 * first event, or opens with an error, throws, and the attempt can still be retried on the
 * next route. Resolves to the same events, the first batch included.
 */
export async function firstEventArrived(
  upstream: AsyncIterable<SseEvent[]>,
): Promise<AsyncIterableIterator<SseEvent[]>> {
  const it = upstream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw upstreamStreamCut();
  // An error as the stream's first word is a failed attempt, worth the next route.
  const failure = streamOpensWithError(first.value);
  if (failure) {
    await it.return?.();
    throw failure;
  }
  return new Prepended(first.value, it);
}

/** The first batch again, then the rest: one small object, no closures (a held stream keeps it). */
class Prepended implements AsyncIterableIterator<SseEvent[]> {
  constructor(
    private held: SseEvent[] | null,
    private readonly it: AsyncIterator<SseEvent[]>,
  ) {}

  next(): Promise<IteratorResult<SseEvent[]>> {
    if (this.held === null) return this.it.next();
    const value = this.held;
    this.held = null;
    return Promise.resolve({ value, done: false });
  }

  return(value?: unknown): Promise<IteratorResult<SseEvent[]>> {
    return this.it.return?.(value) ?? Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * An upstream error reported as the first thing in a stream (OpenAI and Gemini `{"error": ...}`,
 * Anthropic `event: error`), as a retryable upstream failure; null when the stream opens normally.
 */
function streamOpensWithError(events: SseEvent[]): GatewayError | null {
  for (const ev of events) {
    if (ev.event !== "error" && !ev.data.includes('"error"')) continue;
    let body: { error?: unknown; type?: unknown };
    try {
      body = JSON.parse(ev.data);
    } catch {
      continue;
    }
    if (ev.event !== "error" && !(body.error && typeof body.error === "object") && body.type !== "error")
      continue;
    const err = (body.error ?? {}) as { message?: unknown };
    const message = typeof err.message === "string" ? scrub(err.message, []).slice(0, 300) : "an error event";
    return new GatewayError(
      "upstream",
      `The upstream provider failed at the start of the stream: ${message}`,
      {
        code: "upstream_stream_error",
      },
    );
  }
  return null;
}
