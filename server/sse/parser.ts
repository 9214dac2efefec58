import { LineFramer, MAX_LINE_CHARS, StreamLimitExceeded } from "./lines.ts";

/**
 * Server-sent events, parsed once at the edge (WHATWG "event stream interpretation").
 * Feed it byte chunks split anywhere, even inside a UTF-8 sequence or a CRLF pair.
 * A line longer than `maxLine` or an event's data longer than `maxEvent` characters
 * throws StreamLimitExceeded: memory stays bounded whatever the upstream sends.
 */
export type SseEvent = { event?: string; data: string; id?: string };

export type SseLimits = { maxLine?: number; maxEvent?: number };

export class SseParser extends LineFramer<SseEvent> {
  private readonly maxEvent: number;
  private data: string[] = [];
  private dataLength = 0;
  private event: string | undefined;
  private id: string | undefined;

  /** `push` returns the events each chunk completed; `end` a final event without its blank line too. */
  constructor(limits: SseLimits = {}) {
    super(limits.maxLine ?? MAX_LINE_CHARS);
    this.maxEvent = limits.maxEvent ?? MAX_LINE_CHARS;
  }

  protected override flush(): void {
    if (this.data.length > 0) this.dispatch();
  }

  /**
   * The common chunk taken whole: one or more events of a single `data: ` line each, named or
   * not by one `event: ` line before it (Anthropic, Responses), each line ending in LF or CRLF
   * (Gemini ends its events with CRLF CRLF): one indexOf per line instead of a line callback
   * each, and no character scan for CRs. Anything else (a CR of its own, another field,
   * several data lines, an event split across chunks, a line past its cap) stops the
   * shortcut and goes line by line.
   */
  protected override whole(text: string): number {
    if (!this.betweenLines || this.data.length > 0 || this.event !== undefined || this.id !== undefined)
      return 0;
    // The first CR not yet passed as the end of a CRLF: a CR before a line's end is a line
    // break of its own, which only the line by line path reads.
    let cr = text.indexOf("\r");
    let i = 0;
    for (;;) {
      let at = i;
      let event: string | undefined;
      if (text.startsWith("event: ", at)) {
        const nl = text.indexOf("\n", at + 7);
        const end = nl === -1 ? -1 : lineEnd(text, nl);
        if (end === -1 || (cr !== -1 && cr < end) || end - at > this.maxLine) break;
        if (cr !== -1) cr = text.indexOf("\r", nl);
        event = text.slice(at + 7, end);
        at = nl + 1;
      }
      if (!text.startsWith("data: ", at)) break;
      const nl = text.indexOf("\n", at + 6);
      const end = nl === -1 ? -1 : lineEnd(text, nl);
      // Past a cap, the line by line path throws.
      if (end === -1 || (cr !== -1 && cr < end) || end - at > this.maxLine || end - at - 5 > this.maxEvent)
        break;
      if (cr !== -1) cr = text.indexOf("\r", nl);
      // The blank line that dispatches it: LF, or CRLF.
      let next = nl + 1;
      if (cr === next && text.charCodeAt(next + 1) === 10) {
        next += 2;
        cr = text.indexOf("\r", next);
      } else if (text.charCodeAt(next) === 10) next++;
      else break;
      const data = text.slice(at + 6, end);
      this.out.push(event === undefined ? { data } : { event, data });
      i = next;
    }
    return i;
  }

  protected line(line: string) {
    // The common line first: `data: ...`.
    if (line.startsWith("data: ")) {
      this.addData(line.slice(6));
      return;
    }
    if (line === "") {
      if (this.data.length > 0) this.dispatch();
      else this.event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.addData(value);
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
  }

  /** Data lines without a blank line between them pile up into one event: capped too. */
  private addData(value: string) {
    this.dataLength += value.length + 1;
    if (this.dataLength > this.maxEvent)
      throw new StreamLimitExceeded(`an event longer than ${this.maxEvent} characters`);
    this.data.push(value);
  }

  private dispatch() {
    const ev: SseEvent = { data: this.data.length === 1 ? this.data[0]! : this.data.join("\n") };
    if (this.event !== undefined) ev.event = this.event;
    if (this.id !== undefined) ev.id = this.id;
    // Unlike a browser's EventSource we do not carry the last id forward: we forward
    // events one by one and an id belongs to the event that carried it.
    this.out.push(ev);
    this.data = [];
    this.dataLength = 0;
    this.event = undefined;
    this.id = undefined;
  }
}

/** Where the line whose LF is at `nl` ends: before its CR when it ends in CRLF. */
function lineEnd(text: string, nl: number): number {
  return text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}
