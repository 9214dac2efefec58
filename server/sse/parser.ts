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
   * The common chunk, one or more events of a single `data:` line each, LF-terminated, taken
   * whole: one indexOf per event instead of a line callback each. Anything else (a CR, a
   * field other than data, several data lines, an event split across chunks, a line past
   * its cap) stops the shortcut and goes line by line.
   */
  protected override whole(text: string): number {
    if (!this.betweenLines || this.data.length > 0 || this.event !== undefined || this.id !== undefined)
      return 0;
    if (text.includes("\r")) return 0;
    let i = 0;
    while (text.startsWith("data: ", i)) {
      const nl = text.indexOf("\n", i + 6);
      // Past a cap, the line by line path throws.
      if (nl === -1 || text.charCodeAt(nl + 1) !== 10 || nl - i > this.maxLine || nl - i - 5 > this.maxEvent)
        break;
      this.out.push({ data: text.slice(i + 6, nl) });
      i = nl + 2;
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
