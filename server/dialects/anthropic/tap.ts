import { type Usage, usageFromAnthropic } from "../../core/usage.ts";
import { obj, parseObject, str } from "../../core/wire-json.ts";
import { sseBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { MeteredTap } from "../metered-tap.ts";
import { anthropicStreamError } from "./error.ts";

const encoder = new TextEncoder();

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
      if (name) this.produced(name);
    }
    if (type === "content_block_delta") {
      const delta = obj(d?.delta) ?? {};
      const piece = str(delta.text) ?? str(delta.partial_json) ?? str(delta.thinking);
      if (piece) this.produced(piece);
      this.sawOutput = true;
    }
    return sseBytes(ev);
  }

  finish(_usage: Usage): Uint8Array {
    return this.held
      ? sseBytes(this.held)
      : encoder.encode('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  }
}
