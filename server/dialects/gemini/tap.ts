import type { StreamTap } from "../../core/codec.ts";
import { streamUsage, type Usage, usageFromGemini } from "../../core/usage.ts";
import { objs, parseObject } from "../../core/wire-json.ts";
import type { GatewayError } from "../../errors.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { countText } from "../../tokens/count.ts";
import type { GeminiFraming } from "./encode-response.ts";
import { geminiStreamError } from "./error.ts";

const encoder = new TextEncoder();

/**
 * Gemini stream in, Gemini stream out: each chunk is forwarded as it came (re-framed as
 * a JSON array when the client did not ask for `alt=sse`; its `modelVersion`, which
 * every chunk carries, renamed to the id the client asked for), usage tapped from
 * usageMetadata. Gemini has no end marker: from the chunk carrying finishReason on,
 * chunks are held and sent after the charge committed.
 */
export class GeminiTap implements StreamTap {
  ended = false;
  failed: GatewayError | null = null;
  sawOutput = false;
  private snapshot: Usage | null = null;
  private finishing = false;
  private held = "";
  private readonly text: string[] = [];

  constructor(
    private readonly framing: GeminiFraming,
    private readonly publicModel: string,
  ) {}

  push(ev: SseEvent): Uint8Array | null {
    const chunk = parseObject(ev.data);
    if (!chunk) return null;
    if (chunk.error) {
      this.failed = geminiStreamError(chunk.error);
      return null;
    }
    const usage = usageFromGemini(chunk.usageMetadata);
    if (usage) this.snapshot = usage;
    const cand = objs(chunk.candidates)[0];
    for (const p of objs((cand?.content as { parts?: unknown } | undefined)?.parts)) {
      if (typeof p.text === "string") this.text.push(p.text);
      if (p.functionCall) this.text.push(JSON.stringify(p.functionCall));
      this.sawOutput = true;
    }
    if (cand?.finishReason) this.finishing = true;
    // The chunk is re-encoded by the framing anyway: renaming costs nothing more.
    if (typeof chunk.modelVersion === "string") chunk.modelVersion = this.publicModel;
    const out = this.framing.chunk(chunk);
    if (this.finishing) {
      this.held += out;
      return null;
    }
    return encoder.encode(out);
  }

  endOfInput(): void {
    if (this.finishing) this.ended = true;
  }

  /**
   * Mid-stream usageMetadata carries the prompt but not yet the candidates' count: a
   * stream cut short bills what was produced (counted) rather than that missing 0.
   */
  usage(): Usage | null {
    if (!this.snapshot) return null;
    return streamUsage(this.snapshot, this.ended, () => countText(this.outputText()));
  }

  outputText(): string {
    return this.text.join("");
  }

  finish(_usage: Usage): Uint8Array {
    return encoder.encode(this.held + this.framing.close());
  }
}
