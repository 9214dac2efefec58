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

/** A part's header at or above this takes three characters: this one, then its high and low 16 bits. */
const LONG = 0xffff;
/** A learned template is used only when it covers at least this many characters of a chunk. */
const MIN_TEMPLATE = 8;
/**
 * Characters kept a chunk above which a template is learned again at the next block (a word
 * and OpenAI's padding keep about 15; a template that missed the padding's fixed fields, 60).
 */
const MUCH = 24;
/**
 * Templates tried per block at most. Each one learned is kept to the end (three slices of a
 * chunk, which keep that chunk alive), so an upstream whose every chunk misses the last
 * template (each sharing its opening with one neighbour and its ending with the other) would
 * otherwise add a chunk's worth per chunk on top of its parts: past this, a chunk that does
 * not fit is kept whole until the next block.
 */
const LEARNS_PER_BLOCK = 2;

/**
 * Raw chunks (an upstream's JSON text, read only if the count is needed), each kept exactly as
 * the parts where it differs from a template: the opening and ending it shares with the chunk
 * before and, between them, a middle it shares too (OpenAI's chunks end in an `obfuscation`
 * field of random padding, so the generated text and the padding differ and the fixed fields
 * between them do not), each cut at a quote; learned again when a chunk does not match. A
 * chunk costs three native comparisons and two slices; nothing is parsed. The parts of every
 * `every` chunks are copied into one string, each behind a header (its length, and whether the
 * chunk is kept whole), which frees the chunks. `text` rebuilds every chunk's exact text and
 * hands them all to the tap's reading, so the count is the one made from keeping every chunk.
 */
export class DeltaChunks implements Keeper {
  private head = "";
  private mid = "";
  private tail = "";
  private prev: string | null = null;
  /** Headers (numbers until the copy) and parts of the chunks since the last copy. */
  private headers: number[] = [];
  private parts: string[] = [];
  private inBlock = 0;
  private pushed = 0;
  /** Whether the last block kept more than MUCH characters a chunk (its template may be poor). */
  private keptMuch = false;
  /** Templates tried in this block (LEARNS_PER_BLOCK). */
  private tries = 0;
  /** Copied blocks, two strings each: the parts' headers, then the parts. */
  private blocks: string[] = [];
  /** Template switches, flat: the chunk index it is used from, its head, middle and tail. */
  private templates: (number | string)[] = [];

  constructor(private readonly every = KEEP_BLOCK) {}

  push(d: string): void {
    let at = this.fit(d);
    // Learned again when `d` does not match, and also at the stream's third chunk and after a
    // block that kept much: a template learned from a first chunk unlike the rest (OpenAI's
    // names the role) matches the others while keeping most of them (kept only if it covers more).
    if (
      (at === -1 || this.pushed === 2 || (this.inBlock === 0 && this.keptMuch)) &&
      this.prev !== null &&
      this.tries++ < LEARNS_PER_BLOCK &&
      this.learn(this.prev, d, at !== -1)
    )
      at = this.fit(d);
    this.prev = d;
    if (at === -1) {
      this.part(d, 1);
    } else {
      const { head, mid, tail } = this;
      this.part(d.slice(head.length, at), 0);
      if (mid) this.part(d.slice(at + mid.length, d.length - tail.length), 0);
    }
    this.pushed++;
    if (++this.inBlock < this.every) return;
    const parts = this.parts.join("");
    this.keptMuch = parts.length > this.every * MUCH;
    this.blocks.push(String.fromCharCode(...this.headers), parts);
    this.headers = [];
    this.parts = [];
    this.inBlock = 0;
    this.tries = 0;
  }

  /** A part and its header: its length and whether the chunk is kept whole (a number, no string made). */
  private part(part: string, whole: 0 | 1): void {
    const h = part.length * 2 + whole;
    if (h < LONG) this.headers.push(h);
    else this.headers.push(LONG, Math.floor(h / 0x10000), h % 0x10000);
    this.parts.push(part);
  }

  /**
   * Where the template's middle starts in `d` (where its tail starts, when it has no middle),
   * or -1 when `d` does not match it. The first place the middle is found will do: any place
   * rebuilds the same text.
   */
  private fit(d: string): number {
    const { head, mid, tail } = this;
    const fixed = head.length + mid.length + tail.length;
    if (fixed === 0 || d.length < fixed || !d.startsWith(head) || !d.endsWith(tail)) return -1;
    const end = d.length - tail.length;
    if (!mid) return end;
    // The middle starts with a quote, most often the first after the head (which ends the
    // first differing value): one character's search, then the middle searched for if not.
    const q = d.indexOf('"', head.length);
    const at = q !== -1 && d.startsWith(mid, q) ? q : d.indexOf(mid, head.length);
    return at === -1 || at + mid.length > end ? -1 : at;
  }

  /**
   * The opening and ending `d` shares with `p`, cut back to a quote (where a JSON string starts
   * or ends, so the next chunk's differing value still fits), and the middle both share from
   * the first quote after the opening, used from this chunk on if they cover enough (more than
   * the template in use, when `d` matched that too). Only a chunk that does not match, and one
   * chunk in a block, pays these character walks.
   */
  private learn(p: string, d: string, matched: boolean): boolean {
    const max = Math.min(p.length, d.length);
    let a = 0;
    while (a < max && p.charCodeAt(a) === d.charCodeAt(a)) a++;
    const head = a === 0 ? "" : d.slice(0, d.lastIndexOf('"', a - 1) + 1);
    let b = 0;
    while (b < max - a && p.charCodeAt(p.length - 1 - b) === d.charCodeAt(d.length - 1 - b)) b++;
    const tailAt = b === 0 ? -1 : d.indexOf('"', d.length - b);
    const tail = tailAt === -1 ? "" : d.slice(tailAt);
    let mid = middle(
      p.slice(head.length, p.length - tail.length),
      d.slice(head.length, d.length - tail.length),
    );
    if (mid.length < MIN_TEMPLATE) mid = "";
    const covers = head.length + mid.length + tail.length;
    if (covers < MIN_TEMPLATE) return false;
    if (matched && covers <= this.head.length + this.mid.length + this.tail.length) return false;
    this.head = head;
    this.mid = mid;
    this.tail = tail;
    this.templates.push(this.pushed, head, mid, tail);
    return true;
  }

  /** Every chunk pushed, rebuilt exactly. */
  chunks(): string[] {
    const out: string[] = [];
    const { templates } = this;
    let t = 0;
    let head = "";
    let mid = "";
    let tail = "";
    const decode = (headers: string, block: string) => {
      let hi = 0;
      let at = 0;
      /** The next part's header, then the part. */
      const next = (): [number, string] => {
        let h = headers.charCodeAt(hi++);
        if (h === LONG) {
          h = headers.charCodeAt(hi) * 0x10000 + headers.charCodeAt(hi + 1);
          hi += 2;
        }
        const len = Math.floor(h / 2);
        at += len;
        return [h, block.slice(at - len, at)];
      };
      while (hi < headers.length) {
        while (t < templates.length && (templates[t] as number) <= out.length) {
          head = templates[t + 1] as string;
          mid = templates[t + 2] as string;
          tail = templates[t + 3] as string;
          t += 4;
        }
        const [h, first] = next();
        if (h % 2 === 1) out.push(first);
        else if (!mid) out.push(head + first + tail);
        else out.push(head + first + mid + next()[1] + tail);
      }
    };
    for (let b = 0; b < this.blocks.length; b += 2) decode(this.blocks[b]!, this.blocks[b + 1]!);
    decode(String.fromCharCode(...this.headers), this.parts.join(""));
    return out;
  }

  text(read: Reader): string {
    return read(this.chunks());
  }
}

/**
 * What two chunks' differing middles share from their first quote on (where the first
 * differing value ends), cut back to a quote: "" when either has no quote.
 */
function middle(p: string, d: string): string {
  const pq = p.indexOf('"');
  const dq = d.indexOf('"');
  if (pq === -1 || dq === -1) return "";
  const n = Math.min(p.length - pq, d.length - dq);
  let c = 0;
  while (c < n && p.charCodeAt(pq + c) === d.charCodeAt(dq + c)) c++;
  return d.slice(dq, d.lastIndexOf('"', dq + c - 1) + 1);
}
