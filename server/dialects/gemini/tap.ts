import { FieldRenamer } from "../../core/public-model.ts";
import { type Usage, usageFromGemini } from "../../core/usage.ts";
import { objs, parseObject } from "../../core/wire-json.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { MeteredTap } from "../metered-tap.ts";
import type { GeminiFraming } from "./encode-response.ts";
import { geminiStreamError } from "./error.ts";

const encoder = new TextEncoder();

/**
 * Gemini stream in, Gemini stream out: each chunk's text is forwarded as it came (framed as
 * a JSON array when the client did not ask for `alt=sse`; its `modelVersion`, which
 * every chunk carries, renamed in place to the id the client asked for), usage tapped from
 * usageMetadata. Gemini has no end marker: from the chunk carrying finishReason on,
 * chunks are held and sent after the charge committed.
 */
export class GeminiTap extends MeteredTap {
  private finishing = false;
  private held = "";
  private readonly model: FieldRenamer;

  constructor(
    private readonly framing: GeminiFraming,
    private readonly publicModel: string,
  ) {
    super();
    this.model = new FieldRenamer("modelVersion", publicModel);
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
    const out = this.framing.text(this.forwarded(ev.data, chunk));
    if (this.finishing) {
      this.held += out;
      return null;
    }
    return encoder.encode(out);
  }

  /**
   * The chunk's own text with its top-level `modelVersion` renamed in place (no re-encoding);
   * re-encoded from the parsed chunk only when its data spans lines (a line break would end
   * the client's SSE event).
   */
  private forwarded(data: string, chunk: Record<string, unknown>): string {
    if (!data.includes("\n")) return this.model.apply(data);
    if (typeof chunk.modelVersion === "string") chunk.modelVersion = this.publicModel;
    return JSON.stringify(chunk);
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
