import type { CoreStreamEvent } from "../core/stream.ts";
import { assertNever } from "../core/stream.ts";
import type { StreamDecoder, SurfaceStreamEncoder } from "../core/translate.ts";
import type { Usage } from "../core/usage.ts";
import type { SseEvent } from "../sse/parser.ts";
import { MeteredTap } from "./metered-tap.ts";

const encoder = new TextEncoder();

/**
 * A stream in one dialect out as another: upstream SSE -> provider decoder -> canonical
 * events -> surface encoder -> client bytes, tapping usage, output and the end on the way.
 */
export class TranslatingTap extends MeteredTap {
  /** Bytes produced after the upstream body ended; sent with the closing bytes. */
  private pending = "";

  constructor(
    private readonly decode: StreamDecoder,
    private readonly encode: SurfaceStreamEncoder,
  ) {
    super();
  }

  push(ev: SseEvent): Uint8Array | null {
    if (this.ended || this.failed) return null;
    const out = this.apply(this.decode(ev));
    return out ? encoder.encode(out) : null;
  }

  private apply(events: CoreStreamEvent[]): string {
    let out = "";
    for (const e of events) {
      if (this.ended || this.failed) break;
      switch (e.type) {
        case "usage":
          this.report(e.usage);
          continue;
        case "error":
          this.failed = e.error;
          continue;
        case "stop":
          this.ended = true;
          break;
        case "text_delta":
        case "thinking_delta":
          this.keep(e.text);
          this.sawOutput = true;
          break;
        case "tool_call_start":
          this.keep(e.name);
          this.sawOutput = true;
          break;
        case "tool_call_delta":
          this.keep(e.arguments);
          this.sawOutput = true;
          break;
        case "image":
          this.sawOutput = true;
          break;
        case "start":
          break;
        default:
          assertNever(e);
      }
      out += this.encode.push(e);
    }
    return out;
  }

  override endOfInput(): void {
    if (this.decode.end) this.pending += this.apply(this.decode.end());
  }

  finish(usage: Usage): Uint8Array {
    return encoder.encode(this.pending + this.encode.finish(usage));
  }
}
