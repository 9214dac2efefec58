import type { ProviderTimeouts } from "../../db/schema/index.ts";
import type { ProviderRecord } from "../catalog/catalog.ts";
import { Redactor } from "../secrets/redact.ts";
import { LineFramer, StreamLimitExceeded } from "../sse/lines.ts";
import { type SseEvent, SseParser } from "../sse/parser.ts";
import {
  ClientClosed,
  type TimeoutPhase,
  upstreamInvalid,
  upstreamStreamCut,
  upstreamTimeout,
  upstreamUnreachable,
} from "./errors.ts";

/** Whole-body caps: a complete JSON answer, and an error body (only its message is used). */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
export const MAX_ERROR_BYTES = 1024 * 1024;

/**
 * One upstream HTTP exchange with its own AbortController, tied to the client's signal
 * and to three deadlines:
 * - connect: a streaming call must get its response headers within `connectMs`
 *   (streaming upstreams answer headers as soon as they accept the request);
 * - first byte: the first streamed event, or a non-streaming call's headers and body
 *   start, within `firstByteMs` of sending;
 * - total: the whole exchange within `totalMs`.
 * fetch cannot tell a TCP connect from a slow answer, hence these definitions.
 */
export class UpstreamExchange implements EventListenerObject {
  private readonly controller = new AbortController();
  private phase: TimeoutPhase | "client" | null = null;
  private readonly totalTimer: ReturnType<typeof setTimeout>;
  private firstByteTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly started = performance.now();
  private redactor = Redactor.of([]);
  /** How many secrets `redactor` was built from. */
  private redactorFor = 0;

  /**
   * `secrets` (the provider's key and header values) are blanked out of streamed events:
   * an upstream that echoes them in an in-stream error must not hand them to the client.
   */
  constructor(
    private readonly timeouts: ProviderTimeouts,
    private readonly clientSignal: AbortSignal,
    private readonly stream: boolean,
    private readonly secrets: readonly string[] = [],
  ) {
    if (clientSignal.aborted) this.phase = "client";
    // The exchange itself listens and the timer calls a module function: no closure per
    // exchange (a held stream keeps its exchange for as long as the answer lasts).
    clientSignal.addEventListener("abort", this, { once: true });
    this.totalTimer = setTimeout(totalPassed, timeouts.totalMs, this);
  }

  /** The client's (the call's) signal aborted. */
  handleEvent(): void {
    this.abort("client");
  }

  /** Aborts the upstream request; the first cause is the one reported. */
  abort(phase: TimeoutPhase | "client") {
    if (this.phase === null) this.phase = phase;
    this.controller.abort();
  }

  /** Sends the request; resolves with the response once its headers arrived. */
  async send(url: string, init: RequestInit): Promise<Response> {
    if (this.phase === "client") throw new ClientClosed();
    const headerPhase: TimeoutPhase = this.stream ? "connect" : "first_byte";
    const headerTimer = setTimeout(
      () => this.abort(headerPhase),
      this.stream ? this.timeouts.connectMs : this.timeouts.firstByteMs,
    );
    try {
      const res = await fetch(url, { ...init, signal: this.controller.signal, redirect: "manual" });
      if (this.stream) {
        const left = Math.max(1, this.timeouts.firstByteMs - (performance.now() - this.started));
        this.firstByteTimer = setTimeout(firstBytePassed, left, this);
      }
      return res;
    } catch (err) {
      throw this.translate(err);
    } finally {
      clearTimeout(headerTimer);
    }
  }

  /** Reads a whole body as text (at most `limit` bytes, see readCapped) under the same deadlines. */
  async text(res: Response, limit: number, over: "fail" | "truncate" = "fail"): Promise<string> {
    try {
      return await readCapped(res, limit, over);
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * The SSE events of a streamed body, as the batch each network chunk completed (one
   * step per chunk, not per event), under the deadlines (see UpstreamEvents).
   */
  events(res: Response): UpstreamEvents {
    return new UpstreamEvents(this, res, new SseParser());
  }

  /**
   * Each non-empty line of a newline-delimited JSON body (Yandex's streaming) as an event
   * whose `data` is the line, so stream decoders keep one input type.
   */
  lines(res: Response): UpstreamEvents {
    return new UpstreamEvents(this, res, new NdjsonFramer());
  }

  /** The first chunk arrived: the first-byte deadline is met. */
  firstByte(): void {
    if (this.firstByteTimer !== undefined) {
      clearTimeout(this.firstByteTimer);
      this.firstByteTimer = undefined;
    }
  }

  /** A read that failed after the headers came: a cut stream, unless a deadline or the client caused it. */
  readFailed(err: unknown): Error {
    return this.translate(err, upstreamStreamCut);
  }

  /** The body was left before its end: the upstream request is aborted. */
  abandon(): void {
    this.controller.abort();
  }

  /**
   * Events with the provider's secrets blanked out, in their exact encoded spellings (a
   * few substring tests per event). The list may grow (a refreshed token): then rebuilt.
   */
  scrubbed(evs: SseEvent[]): SseEvent[] {
    if (this.secrets.length === 0) return evs;
    if (this.redactorFor !== this.secrets.length) {
      this.redactor = Redactor.of(this.secrets);
      this.redactorFor = this.secrets.length;
    }
    for (const ev of evs) ev.data = this.redactor.redactStreamed(ev.data);
    return evs;
  }

  /** Clears the deadlines and the client listener; idempotent. */
  close(): void {
    clearTimeout(this.totalTimer);
    if (this.firstByteTimer !== undefined) clearTimeout(this.firstByteTimer);
    this.clientSignal.removeEventListener("abort", this);
  }

  /** Aborts the upstream request (client went away, or the caller gave up). */
  cancel(): void {
    this.abort("client");
    this.close();
  }

  private translate(err: unknown, otherwise: () => Error = upstreamUnreachable): Error {
    const phase = this.phase;
    if (phase === "client") return new ClientClosed();
    if (phase === "connect") return upstreamTimeout(phase, this.timeouts.connectMs);
    if (phase === "first_byte") return upstreamTimeout(phase, this.timeouts.firstByteMs);
    if (phase === "total") return upstreamTimeout(phase, this.timeouts.totalMs);
    if (err instanceof Error && err.name === "GatewayError") return err;
    return otherwise();
  }
}

function totalPassed(ex: UpstreamExchange): void {
  ex.abort("total");
}

function firstBytePassed(ex: UpstreamExchange): void {
  ex.abort("first_byte");
}

/**
 * A whole body as text, at most `limit` bytes: past it, "fail" refuses the answer
 * (upstream_invalid_response), "truncate" keeps the first `limit` bytes (error bodies:
 * only their message matters).
 */
export async function readCapped(res: Response, limit: number, over: "fail" | "truncate"): Promise<string> {
  // A declared length bounds the body unless it is compressed (the size after
  // decompression is unknown): then the native read is safe and fastest.
  const declared = res.headers.get("content-length");
  const plain = res.headers.get("content-encoding") === null;
  if (declared !== null && plain && Number(declared) <= limit) return await res.text();
  const tooLarge = () => upstreamInvalid(`a body larger than ${Math.floor(limit / 1024 / 1024)} MB`);
  if (declared !== null && plain && over === "fail") {
    res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = res.body?.getReader();
  if (!reader) return "";
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      if (over === "fail") throw tooLarge();
      parts.push(chunk.value.subarray(0, chunk.value.byteLength - (size - limit)));
      break;
    }
    parts.push(chunk.value);
  }
  return Buffer.concat(parts).toString("utf8");
}

/** A line or event past its cap ends the stream like any broken upstream answer. */
function oversized(err: unknown): unknown {
  return err instanceof StreamLimitExceeded ? upstreamInvalid(err.what) : err;
}

/**
 * TLS settings of a provider's options: `tls_verify: false` turns certificate checks off,
 * `ca_cert` (PEM text) adds a trusted root, e.g. the Russian Trusted Root CA that
 * GigaChat's endpoints use. Verification stays on unless turned off explicitly.
 */
export function tlsInit(provider: Pick<ProviderRecord, "options">): {
  tls?: { rejectUnauthorized?: boolean; ca?: string };
} {
  const o = provider.options;
  const tls: { rejectUnauthorized?: boolean; ca?: string } = {};
  if (o.tls_verify === false) tls.rejectUnauthorized = false;
  if (typeof o.ca_cert === "string" && o.ca_cert.includes("BEGIN CERTIFICATE")) tls.ca = o.ca_cert;
  return Object.keys(tls).length > 0 ? { tls } : {};
}

/** Splits a body into the events it carries: SSE (SseParser) or JSON lines (NdjsonFramer). */
type Framer = { push(chunk: Uint8Array): SseEvent[]; end(): SseEvent[] };

/** Newline-delimited JSON (Yandex's streaming): each non-empty line is an event's `data`. */
class NdjsonFramer extends LineFramer<SseEvent> {
  protected line(text: string): void {
    const line = text.trim();
    if (line) this.out.push({ data: line });
  }
}

/**
 * The events of an upstream's streamed body, one batch per network chunk that completed
 * any, read under the exchange's deadlines: a read that fails after the headers came is a
 * cut stream (unless a deadline or the client caused it), the first chunk stops the
 * first-byte deadline, an event past its cap ends the stream as an invalid answer, and
 * leaving before the end (`return`) cancels the upstream. A plain iterator rather than
 * async generators: one object per stream (a held stream keeps only this) and no
 * generator step per chunk.
 */
export class UpstreamEvents implements AsyncIterableIterator<SseEvent[]> {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null;
  private done = false;

  constructor(
    private readonly ex: UpstreamExchange,
    res: Response,
    private readonly framer: Framer,
  ) {
    this.reader = res.body ? res.body.getReader() : null;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<SseEvent[], undefined>> {
    if (this.done || !this.reader) return this.finish(true);
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
        try {
          chunk = await this.reader.read();
        } catch (err) {
          throw this.ex.readFailed(err);
        }
        if (chunk.done) {
          const tail = this.framer.end();
          this.finish(true);
          return tail.length > 0
            ? { value: this.ex.scrubbed(tail), done: false }
            : { value: undefined, done: true };
        }
        this.ex.firstByte();
        const evs = this.framer.push(chunk.value);
        if (evs.length > 0) return { value: this.ex.scrubbed(evs), done: false };
      }
    } catch (err) {
      this.finish(false);
      throw oversized(err);
    }
  }

  async return(): Promise<IteratorResult<SseEvent[], undefined>> {
    return this.finish(false);
  }

  /** Ends the reading once: a body left before its end is cancelled upstream. */
  private finish(complete: boolean): IteratorResult<SseEvent[], undefined> {
    if (!this.done) {
      this.done = true;
      if (!complete) {
        this.ex.abandon();
        this.reader?.cancel().catch(() => {});
      }
      this.reader = null;
      this.ex.close();
    }
    return { value: undefined, done: true };
  }
}
