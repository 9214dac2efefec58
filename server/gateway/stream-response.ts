import type { StreamTap, SurfaceCodec } from "../core/codec.ts";
import { type Usage, ZERO_USAGE } from "../core/usage.ts";
import { GatewayError } from "../errors.ts";
import { ClientClosed, upstreamStreamCut } from "../providers/errors.ts";
import type { SseEvent } from "../sse/parser.ts";
import { countText } from "../tokens/count.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import type { BilledCall } from "./billed-call.ts";

type StreamCall = {
  tap: StreamTap;
  events: AsyncIterable<SseEvent[]>;
  codec: Pick<SurfaceCodec, "countInput" | "streamError">;
  /** Response headers gathered so far (rate limits, route). */
  headers: Record<string, string>;
  /** Aborts the upstream request (the call's controller). */
  upstream: { abort(): void };
};

/**
 * Forwards an upstream stream event by event (no buffering); the billed call ends once,
 * whichever of these comes first:
 * - complete: charge from the reported usage, commit, then send the final bytes;
 * - client gone: abort upstream at once, charge the prompt and what was produced so far;
 * - upstream broke: charge what was delivered, end the client's stream with an error event.
 */
export function streamResponse(call: BilledCall, stream: StreamCall): Response {
  return new Response(new ReadableStream(new StreamSource(call, stream)), {
    status: 200,
    headers: {
      ...stream.headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    },
  });
}

/**
 * The client's stream: a class, not closures, since a held stream keeps it for as long as
 * the answer lasts (thousands at once: see bench/README.md, held streams).
 */
class StreamSource implements UnderlyingDefaultSource<Uint8Array> {
  private readonly it: AsyncIterator<SseEvent[]>;
  private clientGone = false;

  constructor(
    private readonly call: BilledCall,
    private readonly stream: StreamCall,
  ) {
    this.it = stream.events[Symbol.asyncIterator]();
  }

  private settle(outcome: LogRow["outcome"], error: GatewayError | null): Promise<Usage> {
    const { tap, codec } = this.stream;
    return this.call.settle(() => {
      // An upstream that failed before producing anything is billed nothing (a client that
      // left still pays for its prompt and what was produced: see docs/billing.md).
      const nothing = outcome === "error" && !tap.sawOutput;
      const reported = nothing ? ZERO_USAGE : tap.usage();
      const usage: Usage = reported ?? {
        inputTokens: codec.countInput(),
        cachedTokens: 0,
        outputTokens: countText(tap.outputText()),
      };
      const status = outcome === "client_closed" ? 499 : error ? error.status : 200;
      return {
        usage,
        source: nothing ? "none" : reported ? "upstream" : "estimated",
        status,
        outcome,
        error,
      };
    });
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    const { tap, codec } = this.stream;
    const { call, it } = this;
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) {
          tap.endOfInput();
          break;
        }
        // What one upstream chunk carried goes out as one write.
        const parts: Uint8Array[] = [];
        for (const ev of next.value) {
          const bytes = tap.push(ev);
          if (bytes) parts.push(bytes);
          if (tap.failed || tap.ended) break;
        }
        if (call.log.ttftMs === null && tap.sawOutput)
          call.log.ttftMs = Math.round(performance.now() - call.t0);
        if (parts.length > 0) controller.enqueue(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        if (tap.failed || tap.ended) break;
        if (parts.length > 0) return;
      }
      if (tap.ended && !tap.failed) {
        const usage = await this.settle("ok", null);
        controller.enqueue(tap.finish(usage));
        controller.close();
        // Let the upstream response run to its end so its connection can be reused.
        void drain(it);
        return;
      }
      const err = tap.failed ?? upstreamStreamCut();
      await this.settle("error", err);
      controller.enqueue(codec.streamError(err));
      controller.close();
    } catch (e) {
      if (this.clientGone || e instanceof ClientClosed) {
        await this.settle("client_closed", null);
        safeClose(controller);
        return;
      }
      const err = e instanceof GatewayError ? e : upstreamStreamCut();
      await this.settle("error", err);
      try {
        controller.enqueue(codec.streamError(err));
        controller.close();
      } catch {
        // The client left while we were settling.
      }
    }
  }

  async cancel(): Promise<void> {
    this.clientGone = true;
    this.stream.upstream.abort();
    await this.settle("client_closed", null);
  }
}

function safeClose(controller: ReadableStreamDefaultController<Uint8Array>) {
  try {
    controller.close();
  } catch {
    // already closed or errored by the runtime
  }
}

async function drain(it: AsyncIterator<SseEvent[]>) {
  try {
    for (let i = 0; i < 16; i++) if ((await it.next()).done) return;
    await it.return?.();
  } catch {
    // the upstream went away after its end marker: nothing left to bill
  }
}
