import { type Usage, usageFromGemini } from "../../core/usage.ts";
import { objs, parseObject } from "../../core/wire-json.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { MeteredTap } from "../metered-tap.ts";
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
export class GeminiTap extends MeteredTap {
  private finishing = false;
  private held = "";

  constructor(
    private readonly framing: GeminiFraming,
    private readonly publicModel: string,
  ) {
    super();
  }

  push(ev: SseEvent): Uint8Array | null {
    const chunk = parseObject(ev.data);
    if (!chunk) return null;
    if (chunk.error) {
      this.failed = geminiStreamError(chunk.error);
      return null;
    }
    this.report(usageFromGemini(chunk.usageMetadata));
    const cand = objs(chunk.candidates)[0];
    for (const p of objs((cand?.content as { parts?: unknown } | undefined)?.parts)) {
      if (typeof p.text === "string") this.keep(p.text);
      if (p.functionCall) this.keep(JSON.stringify(p.functionCall));
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

  /**
   * No end marker: the body ending after a finish reason completes the answer. Until then
   * the snapshot is not final (mid-stream usageMetadata carries the prompt but not yet the
   * candidates' count), so a stream cut short bills what was produced, not that missing 0.
   */
  override endOfInput(): void {
    if (this.finishing) this.ended = true;
  }

  finish(_usage: Usage): Uint8Array {
    return encoder.encode(this.held + this.framing.close());
  }
}
