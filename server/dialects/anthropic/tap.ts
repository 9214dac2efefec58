import { type Usage, usageFromAnthropic } from "../../core/usage.ts";
import { obj, parseObject, str } from "../../core/wire-json.ts";
import { sseBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { DeltaChunks, type Keeper } from "../kept-items.ts";
import { MeteredTap } from "../metered-tap.ts";
import { anthropicStreamError } from "./error.ts";

const encoder = new TextEncoder();

const DELTA = '{"type":"content_block_delta",';

/** The text a content_block_delta carries: text, a tool call's JSON, or thinking. */
function deltaText(d: Record<string, unknown> | undefined): string | undefined {
  const delta = obj(d?.delta) ?? {};
  return str(delta.text) ?? str(delta.partial_json) ?? str(delta.thinking);
}

/**
 * What was generated, in order, is kept as strings: the unparsed JSON of a content_block_delta
 * (it starts with `{`; parsed only if no usage came and the output must be counted), or a
 * piece of text or a tool's name behind TEXT.
 */
const TEXT = "t";

/**
 * Anthropic stream in, Anthropic stream out: events are forwarded as they came (event
 * name included; message_start's model renamed to the id the client asked for) while
 * usage is tapped from message_start and message_delta. The final
 * message_stop is held back and sent after the charge committed.
 */
export class AnthropicTap extends MeteredTap {
  private held: SseEvent | null = null;

  constructor(private readonly publicModel: string) {
    super();
  }

  push(ev: SseEvent): Uint8Array | null {
    // Most events are deltas of generated content: forwarded, kept, not parsed. Taken by their
    // opening as Anthropic writes it; the markers are exact (inside a JSON string every quote
    // is escaped, so `"error"` or `"usage"` can only be the event's own): an event that has
    // them, or is spelled otherwise, takes the parsing path.
    if (
      ev.data.startsWith(DELTA) &&
      ev.event !== "error" &&
      !ev.data.includes('"error"') &&
      !ev.data.includes('"usage"')
    ) {
      this.keep(ev.data);
      this.sawOutput = true;
      return sseBytes(ev);
    }
    const d = parseObject(ev.data);
    const type = d?.type ?? ev.event;
    if (type === "error") {
      this.failed = anthropicStreamError(d);
      return null;
    }
    if (type === "message_stop") {
      this.ended = true;
      this.held = ev;
      return null;
    }
    if (type === "message_start") {
      const message = obj(d?.message);
      this.report(usageFromAnthropic(message?.usage));
      // The one event that names the model: re-encoded, once per stream.
      if (message && typeof message.model === "string" && message.model !== this.publicModel) {
        message.model = this.publicModel;
        return sseBytes({ ...ev, data: JSON.stringify(d) });
      }
    }
    if (type === "message_delta") this.report(usageFromAnthropic(d?.usage));
    if (type === "content_block_start") {
      const name = str(obj(d?.content_block)?.name);
      if (name) this.keep(TEXT + name);
    }
    if (type === "content_block_delta") {
      const piece = deltaText(d);
      if (piece) this.keep(TEXT + piece);
      this.sawOutput = true;
    }
    return sseBytes(ev);
  }

  protected override keeper(): Keeper {
    return new DeltaChunks();
  }

  protected override textOf(pieces: readonly string[]): string {
    return pieces
      .map((p) => (p.startsWith(TEXT) ? p.slice(TEXT.length) : (deltaText(parseObject(p)) ?? "")))
      .join("");
  }

  finish(_usage: Usage): Uint8Array {
    return this.held
      ? sseBytes(this.held)
      : encoder.encode('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  }
}
