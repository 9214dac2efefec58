import type { StreamTap } from "../core/codec.ts";
import { streamUsage, type Usage } from "../core/usage.ts";
import type { GatewayError } from "../errors.ts";
import type { SseEvent } from "../sse/parser.ts";
import { countText } from "../tokens/count.ts";
import { JoinedText, type Keeper } from "./kept-items.ts";

/**
 * What every stream tap keeps for the bill while a stream goes by: the upstream's usage
 * snapshot (a field reported overwrites the last value, never adds to it), the output
 * forwarded (counted when no usage came), whether output was seen (time to first token)
 * and how the stream ended. A tap decides what to forward and what each event reports.
 */
export abstract class MeteredTap implements StreamTap {
  ended = false;
  failed: GatewayError | null = null;
  sawOutput = false;
  private readonly snapshot: Partial<Usage> = {};
  /** What the output is counted from, made at the first item kept (see keeper). */
  private kept: Keeper | null = null;

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
   * textOf and keeper).
   */
  protected keep(item: string): void {
    this.kept ??= this.keeper();
    this.kept.push(item);
  }

  /**
   * How kept items are stored: text is joined every 64 items (issue 16: a long stream would
   * keep every one). A tap that keeps raw chunks keeps them as DeltaChunks instead.
   */
  protected keeper(): Keeper {
    return new JoinedText();
  }

  /**
   * The text of kept items, in order. A tap that keeps anything but the text itself reads it
   * here, from every item it kept (DeltaChunks gives them back exactly).
   */
  protected textOf(items: readonly string[]): string {
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
    return this.kept ? this.kept.text((items) => this.textOf(items)) : "";
  }
}
