/**
 * Server-sent events, parsed once at the edge (WHATWG "event stream interpretation").
 * Feed it byte chunks split anywhere, even inside a UTF-8 sequence or a CRLF pair.
 */
export type SseEvent = { event?: string; data: string; id?: string };

export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;

  /** Returns the events completed by this chunk. */
  push(chunk: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** Flushes at end of input; a final event without its blank line still counts. */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    const out = this.drain(true);
    if (this.data.length > 0) out.push(this.take());
    return out;
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    let start = 0;
    const buf = this.buffer;
    // Upstreams end lines with LF: then the native indexOf finds them. A CR anywhere
    // (CRLF or bare CR endings) takes the character scan.
    const lfOnly = !buf.includes("\r");
    for (;;) {
      let nl = -1;
      if (lfOnly) nl = buf.indexOf("\n", start);
      else {
        for (let i = start; i < buf.length; i++) {
          const c = buf.charCodeAt(i);
          if (c === 10 || c === 13) {
            nl = i;
            break;
          }
        }
      }
      if (nl === -1) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (buf.charCodeAt(nl) === 13 && nl === buf.length - 1 && !final) break;
      const line = buf.slice(start, nl);
      start = nl + (buf.charCodeAt(nl) === 13 && buf.charCodeAt(nl + 1) === 10 ? 2 : 1);
      this.line(line, out);
    }
    this.buffer = buf.slice(start);
    if (final && this.buffer.length > 0) {
      this.line(this.buffer, out);
      this.buffer = "";
    }
    return out;
  }

  private line(line: string, out: SseEvent[]) {
    // The common line first: `data: ...`.
    if (line.startsWith("data: ")) {
      this.data.push(line.slice(6));
      return;
    }
    if (line === "") {
      if (this.data.length > 0) out.push(this.take());
      else this.event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
  }

  private take(): SseEvent {
    const ev: SseEvent = { data: this.data.join("\n") };
    if (this.event !== undefined) ev.event = this.event;
    if (this.id !== undefined) ev.id = this.id;
    // Unlike a browser's EventSource we do not carry the last id forward: we forward
    // events one by one and an id belongs to the event that carried it.
    this.data = [];
    this.event = undefined;
    this.id = undefined;
    return ev;
  }
}
