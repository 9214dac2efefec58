/**
 * How a stream tap keeps what its fallback count reads (issue 16). A long stream would
 * otherwise keep every item it forwarded until it ends (287 bytes a chunk of OpenAI's); both
 * keepers here bound that without changing a character of what is counted.
 */

/** Reads the text generated in kept items, in order (a tap's own reading, see MeteredTap.textOf). */
export type Reader = (items: readonly string[]) => string;

export interface Keeper {
  push(item: string): void;
  /** The text of every item pushed, as `read` reads them all (it must not depend on where items are cut). */
  text(read: Reader): string;
}

/** How many items a keeper gathers before copying them into one string. */
export const KEEP_BLOCK = 64;

/**
 * Items that are text already (a delta's string, a tool's name): every `every` are joined into
 * one string. The text of a sequence is its items joined, so joining early changes nothing.
 */
export class JoinedText implements Keeper {
  private items: string[] = [];
  private joined: string[] | null = null;

  constructor(private readonly every = KEEP_BLOCK) {}

  push(item: string): void {
    this.items.push(item);
    if (this.items.length < this.every) return;
    const text = this.items.join("");
    this.items = [];
    if (!text) return;
    this.joined ??= [];
    this.joined.push(text);
  }

  text(): string {
    const rest = this.items.join("");
    return this.joined ? this.joined.join("") + rest : rest;
  }
}

/** One-character strings for the header bytes (a chunk's header is a varint in 7-bit chars). */
const CHAR = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
/** A learned template is used only when it covers at least this many characters of a chunk. */
const MIN_TEMPLATE = 8;

/**
 * Raw chunks (an upstream's JSON text, read only if the count is needed), each kept exactly as
 * the part where it differs from a template: the opening and ending it shares with the chunk
 * before, cut at a quote, learned again when a chunk does not match (two native comparisons
 * and a slice a chunk; nothing parsed). The parts of every `every` chunks are copied into one
 * string, each behind a header (its length and whether it is whole), which frees the chunks.
 * `text` rebuilds every chunk's exact text and hands them all to the tap's reading, so the
 * count is the one made from keeping every chunk.
 */
export class DeltaChunks implements Keeper {
  private head = "";
  private tail = "";
  private prev: string | null = null;
  /** Headers and parts of the chunks since the last copy. */
  private parts: string[] = [];
  private inBlock = 0;
  private pushed = 0;
  private blocks: string[] = [];
  /** Template switches, flat: the chunk index it is used from, its head, its tail. */
  private templates: (number | string)[] = [];

  constructor(private readonly every = KEEP_BLOCK) {}

  push(d: string): void {
    let whole = !this.matches(d);
    if (whole && this.prev !== null && this.learn(this.prev, d)) whole = false;
    this.prev = d;
    const part = whole ? d : d.slice(this.head.length, d.length - this.tail.length);
    let h = part.length * 2 + (whole ? 1 : 0);
    while (h >= 128) {
      this.parts.push(CHAR[128 | (h & 127)]!);
      h = Math.floor(h / 128);
    }
    this.parts.push(CHAR[h]!, part);
    this.pushed++;
    if (++this.inBlock < this.every) return;
    this.blocks.push(this.parts.join(""));
    this.parts = [];
    this.inBlock = 0;
  }

  private matches(d: string): boolean {
    const { head, tail } = this;
    return (
      (head.length > 0 || tail.length > 0) &&
      d.length >= head.length + tail.length &&
      d.startsWith(head) &&
      d.endsWith(tail)
    );
  }

  /**
   * The opening and ending `d` shares with `p`, cut back to a quote (where a JSON string starts
   * or ends, so the next chunk's differing value still fits), used from this chunk on if it
   * covers enough (`d` matches it then: its head and tail are `d`'s own). Only a chunk that
   * does not match pays this character walk.
   */
  private learn(p: string, d: string): boolean {
    const max = Math.min(p.length, d.length);
    let a = 0;
    while (a < max && p.charCodeAt(a) === d.charCodeAt(a)) a++;
    const head = a === 0 ? "" : d.slice(0, d.lastIndexOf('"', a - 1) + 1);
    let b = 0;
    while (b < max - a && p.charCodeAt(p.length - 1 - b) === d.charCodeAt(d.length - 1 - b)) b++;
    const tailAt = b === 0 ? -1 : d.indexOf('"', d.length - b);
    const tail = tailAt === -1 ? "" : d.slice(tailAt);
    if (head.length + tail.length < MIN_TEMPLATE) return false;
    this.head = head;
    this.tail = tail;
    this.templates.push(this.pushed, head, tail);
    return true;
  }

  /** Every chunk pushed, rebuilt exactly. */
  chunks(): string[] {
    const out: string[] = [];
    const { templates } = this;
    let t = 0;
    let head = "";
    let tail = "";
    const decode = (block: string) => {
      let at = 0;
      while (at < block.length) {
        let h = 0;
        let scale = 1;
        for (;;) {
          const c = block.charCodeAt(at++);
          h += (c & 127) * scale;
          if (c < 128) break;
          scale *= 128;
        }
        const len = Math.floor(h / 2);
        const part = block.slice(at, at + len);
        at += len;
        while (t < templates.length && (templates[t] as number) <= out.length) {
          head = templates[t + 1] as string;
          tail = templates[t + 2] as string;
          t += 3;
        }
        out.push(h % 2 === 1 ? part : head + part + tail);
      }
    };
    for (const block of this.blocks) decode(block);
    decode(this.parts.join(""));
    return out;
  }

  text(read: Reader): string {
    return read(this.chunks());
  }
}
