import type { StreamTap } from "../core/codec.ts";
import { streamUsage, type Usage } from "../core/usage.ts";
import type { GatewayError } from "../errors.ts";
import type { SseEvent } from "../sse/parser.ts";
import { countText } from "../tokens/count.ts";

/**
 * How many kept items a tap folds into their text at once. A stream that forwards many
 * chunks would otherwise keep every one until it ends (issue 16: 287 bytes a chunk of
 * OpenAI's); folded, it keeps the text the count reads and at most this many items. A
 * fold reads each item as the final count would (for OpenAI chat a `JSON.parse` a chunk,
 * about 1 µs), so streams shorter than this pay nothing more.
 */
export const FOLD_EVERY = 64;

/**
 * What every stream tap keeps for the bill while a stream goes by: the upstream's usage
 * snapshot (a field reported overwrites the last value, never adds to it), the output
 * forwarded (counted when no usage came), whether output was seen (time to first token)
 * and how the stream ended. A tap decides what to forward and what each event reports.
 */
export abstract class MeteredTap<Kept = string> implements StreamTap {
  ended = false;
  failed: GatewayError | null = null;
  sawOutput = false;
  private readonly snapshot: Partial<Usage> = {};
  /** Items kept for the count, not yet folded (see FOLD_EVERY). */
  private kept: Kept[] = [];
  /** The text of the items folded so far, a string per fold, in order. */
  private folded: string[] | null = null;

  abstract push(ev: SseEvent): Uint8Array | null;
  abstract finish(usage: Usage): Uint8Array;

  endOfInput(): void {}

  /** A usage report from the upstream: the fields it carries overwrite the snapshot's. */
  protected report(usage: Partial<Usage> | null | undefined): void {
    if (usage) Object.assign(this.snapshot, usage);
  }

  /**
   * Keeps what the output is counted from when no usage comes: text generated (or a tool
   * call's name or arguments) as it is forwarded, or what a tap reads it from later (see
   * textOf). Every FOLD_EVERY items are replaced by their text: the text of a sequence is
   * the text of its items joined, so folding early changes no character of what is counted.
   */
  protected keep(item: Kept): void {
    this.kept.push(item);
    if (this.kept.length < FOLD_EVERY) return;
    const text = this.textOf(this.kept);
    this.kept = [];
    if (!text) return;
    this.folded ??= [];
    this.folded.push(text);
  }

  /**
   * The text of kept items, in order: each item's text, joined. A tap that keeps anything
   * but the text itself reads it here, item by item, so that folding stays exact.
   */
  protected textOf(items: readonly Kept[]): string {
    return items.join("");
  }

  /**
   * Whether the snapshot counts the whole answer: once the stream ended, by default (an
   * upstream may report output early, as Anthropic does at message_start).
   */
  protected reportIsFinal(): boolean {
    return this.ended;
  }

  /** The usage to bill (see streamUsage for a stream cut short); null when no input was reported. */
  usage(): Usage | null {
    return streamUsage(this.snapshot, this.reportIsFinal(), () => countText(this.outputText()));
  }

  /** Everything generated so far, for counting output when no usage came. */
  outputText(): string {
    const rest = this.textOf(this.kept);
    return this.folded ? this.folded.join("") + rest : rest;
  }
}
