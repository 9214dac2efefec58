/** A line or an event grew past its cap: the upstream is broken or hostile. */
export class StreamLimitExceeded extends Error {
  constructor(readonly what: string) {
    super(what);
    this.name = "StreamLimitExceeded";
  }
}

/** Default caps, in characters: large enough for a streamed base64 image, small enough to bound memory. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Splits decoded text into lines ending in LF, CR or CRLF, fed in pieces split anywhere
 * (a CRLF split across pieces counts once). Each piece is scanned once: an unfinished
 * line is kept as a list of pieces, joined only when its end arrives, so a huge line
 * costs linear time, and past `maxLine` characters it throws StreamLimitExceeded.
 */
export class LineDecoder {
  private pending: string[] = [];
  private pendingLength = 0;
  /** The last piece ended in CR: an LF starting the next one belongs to it. */
  private skipLF = false;

  constructor(private readonly maxLine = MAX_LINE_CHARS) {}

  /** Calls `onLine` (on `self`, if given: a method needs no closure per framer) for each whole line. */
  push<S>(text: string, onLine: (this: S, line: string) => void, self?: S): void {
    let i = 0;
    if (this.skipLF && text.length > 0) {
      if (text.charCodeAt(0) === 10) i = 1;
      this.skipLF = false;
    }
    // Upstreams end lines with LF: then the native indexOf finds them. A CR in this piece
    // (CRLF or bare CR endings) takes the character scan.
    const lfOnly = !text.includes("\r");
    for (;;) {
      let nl = -1;
      if (lfOnly) nl = text.indexOf("\n", i);
      else {
        for (let j = i; j < text.length; j++) {
          const c = text.charCodeAt(j);
          if (c === 10 || c === 13) {
            nl = j;
            break;
          }
        }
      }
      if (nl === -1) break;
      const piece = text.slice(i, nl);
      let line = piece;
      if (this.pending.length > 0) {
        this.check(this.pendingLength + piece.length);
        this.pending.push(piece);
        line = this.pending.join("");
        this.pending = [];
        this.pendingLength = 0;
      } else this.check(piece.length);
      i = nl + 1;
      if (text.charCodeAt(nl) === 13) {
        if (i === text.length) this.skipLF = true;
        else if (text.charCodeAt(i) === 10) i++;
      }
      onLine.call(self as S, line);
    }
    if (i < text.length) {
      const rest = i === 0 ? text : text.slice(i);
      this.pendingLength += rest.length;
      this.check(this.pendingLength);
      this.pending.push(rest);
    }
  }

  /** Between lines: nothing pending, no CR waiting for its LF. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.skipLF;
  }

  /** The unfinished last line at the end of input, if any. */
  end<S>(onLine: (this: S, line: string) => void, self?: S): void {
    if (this.pending.length > 0) onLine.call(self as S, this.pending.join(""));
    this.pending = [];
    this.pendingLength = 0;
    this.skipLF = false;
  }

  private check(length: number): void {
    if (length > this.maxLine) throw new StreamLimitExceeded(`a line longer than ${this.maxLine} characters`);
  }
}

/**
 * Byte chunks in, lines decoded (UTF-8 split anywhere) and handed to `line`, and what the
 * lines made taken after each chunk: the frame of both streamed formats (SSE, JSON lines).
 */
export abstract class LineFramer<T> {
  private readonly decoder = new TextDecoder();
  private readonly lines: LineDecoder;
  /** What the lines made since the last take. */
  protected out: T[] = [];

  constructor(protected readonly maxLine = MAX_LINE_CHARS) {
    this.lines = new LineDecoder(maxLine);
  }

  protected abstract line(line: string): void;

  /** At the end of input, after the last line (an event left without its blank line). */
  protected flush(): void {}

  /**
   * A framer's shortcut over whole units at the start of a chunk's text, taken only between
   * lines: returns how much of `text` it consumed (the rest goes line by line).
   */
  protected whole(_text: string): number {
    return 0;
  }

  /** Between lines: a chunk may start a fresh unit. */
  protected get betweenLines(): boolean {
    return this.lines.idle;
  }

  /** What this chunk completed. */
  push(chunk: Uint8Array): T[] {
    const text = this.decoder.decode(chunk, { stream: true });
    const used = this.whole(text);
    // The method and this framer, not an arrow: no closure per framer (a held stream keeps it).
    if (used < text.length) this.lines.push(used === 0 ? text : text.slice(used), this.line, this);
    return this.take();
  }

  /** What is left at the end of input. */
  end(): T[] {
    this.lines.push(this.decoder.decode(), this.line, this);
    this.lines.end(this.line, this);
    this.flush();
    return this.take();
  }

  private take(): T[] {
    if (this.out.length === 0) return [];
    const out = this.out;
    this.out = [];
    return out;
  }
}
