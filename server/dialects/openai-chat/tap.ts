import { FieldRenamer } from "../../core/public-model.ts";
import type { Usage } from "../../core/usage.ts";
import { usageFromOpenAI } from "../../core/usage.ts";
import { dataBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { DeltaChunks, type Keeper } from "../kept-items.ts";
import { MeteredTap } from "../metered-tap.ts";
import { openaiStreamError } from "./error.ts";

const encoder = new TextEncoder();

/**
 * OpenAI chat stream in, OpenAI chat stream out: each chunk is forwarded as it came but
 * for its `model` (the id the client asked for), usage is tapped. The upstream is always asked for usage; a client that did not ask
 * for it never sees it (the usage-only chunk is dropped, `usage` fields are removed).
 * A client that asked gets the usage chunk after the charge is committed, just before
 * `[DONE]`; if the upstream sent none, one is made from our own count.
 */
export class OpenAIChatTap extends MeteredTap {
  private heldUsage: string | null = null;
  private usageForwarded = false;
  private finishSeen = false;
  /** A usage report came, and output after it (see reportIsFinal). */
  private reported = false;
  private outputAfterReport = false;
  /** The first kept chunk's JSON text: a made-up usage chunk copies its id and model. */
  private first: string | undefined;

  /** Every chunk names the model the client asked for instead of the upstream's. */
  private readonly model: FieldRenamer;

  constructor(
    private readonly clientWantsUsage: boolean,
    publicModel: string,
  ) {
    super();
    this.model = new FieldRenamer("model", publicModel);
  }

  /**
   * Most chunks are only looked at, not parsed. The markers are exact: inside a JSON string
   * every quote is escaped, so `"usage"` or `"finish_reason":"` can only be the chunk's own
   * keys. A chunk carrying usage (other than OpenAI's compact `"usage":null`) or an error
   * is parsed.
   */
  push(ev: SseEvent): Uint8Array | null {
    if (ev.data === "[DONE]") {
      this.ended = true;
      return null;
    }
    // Every chunk names a model: only its bytes are rewritten, the chunk is not parsed for it.
    const d = this.model.apply(ev.data);
    // Usage with a value (or spelled with spaces) and errors take the parsing path.
    const usageAt = d.indexOf('"usage"');
    if ((usageAt !== -1 && !d.startsWith(":null", usageAt + 7)) || d.includes('"error"'))
      return this.parsed(d);
    this.keepChunk(d);
    if (!this.finishSeen && FINISH.test(d)) this.finishSeen = true;
    this.outputSeen(d);
    if (usageAt === -1 || this.clientWantsUsage) return dataBytes(d);
    // The client did not ask for usage: take the null usage we asked the upstream for back out.
    const stripped = d.replace(',"usage":null', "");
    return stripped.includes('"usage"') ? this.parsed(d) : dataBytes(stripped);
  }

  /** The slow path: usage, errors, or JSON spelled unlike OpenAI's compact form. */
  private parsed(d: string): Uint8Array | null {
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(d);
    } catch {
      return dataBytes(d);
    }
    if (!chunk || typeof chunk !== "object") return dataBytes(d);
    if (chunk.error) {
      this.failed = openaiStreamError(chunk.error);
      return null;
    }
    this.keepChunk(d);
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Record<string, unknown>[]) : [];
    if (choices.some((c) => c.finish_reason)) this.finishSeen = true;
    if (!("usage" in chunk)) {
      this.outputSeen(d);
      return dataBytes(d);
    }
    if (!this.sawOutput && carriesOutput(d)) this.sawOutput = true;
    const usage = usageFromOpenAI(chunk.usage);
    this.report(usage);
    if (usage) {
      // A report covers its own chunk's output (cumulative, as the vendors that report on every chunk do).
      this.reported = true;
      this.outputAfterReport = false;
    }
    if (!this.clientWantsUsage) {
      if (choices.length === 0) return null;
      delete chunk.usage;
      return dataBytes(JSON.stringify(chunk));
    }
    if (usage && choices.length === 0) {
      this.heldUsage = d; // sent after the commit
      return null;
    }
    if (usage) this.usageForwarded = true;
    return dataBytes(d);
  }

  override endOfInput(): void {
    // Some compatible servers close after the finish_reason without sending [DONE].
    if (this.finishSeen) this.ended = true;
  }

  /**
   * OpenAI reports usage once the answer is complete (in a chunk of its own), and the
   * vendors that report it on every chunk report it cumulatively: the last report is the
   * answer's, unless output came after it (an upstream that reported early, or a hostile
   * one): then the larger of the report and our count of what was forwarded is billed.
   */
  protected override reportIsFinal(): boolean {
    return !this.outputAfterReport;
  }

  /** Output in a chunk that carries no report: the first (time to first token), and any after a report. */
  private outputSeen(d: string): void {
    if (this.sawOutput && !this.reported) return;
    if (!carriesOutput(d)) return;
    this.sawOutput = true;
    if (this.reported) this.outputAfterReport = true;
  }

  /**
   * Every chunk's JSON text is kept, as its difference from the chunk before (DeltaChunks):
   * output is read from it only when no usage came, so nothing is parsed while it runs.
   */
  private keepChunk(d: string): void {
    this.first ??= d;
    this.keep(d);
  }

  protected override keeper(): Keeper {
    return new DeltaChunks();
  }

  /** The output in chunks' JSON text, read when the count is made. */
  protected override textOf(chunks: readonly string[]): string {
    const parts: string[] = [];
    for (const d of chunks) {
      try {
        const chunk = JSON.parse(d) as { choices?: { delta?: Record<string, unknown> }[] };
        for (const c of chunk.choices ?? []) collectDelta(c.delta, parts);
      } catch {
        // not JSON: nothing generated in it
      }
    }
    return parts.join("");
  }

  finish(usage: Usage): Uint8Array {
    let out = "";
    if (this.clientWantsUsage && !this.usageForwarded) {
      out += `data: ${this.heldUsage ?? JSON.stringify(usageChunk(metaOf(this.first), usage))}\n\n`;
    }
    return encoder.encode(`${out}data: [DONE]\n\n`);
  }
}

const FINISH = /"finish_reason"\s*:\s*"/;
const OUTPUT_MARKERS = ['"content":"', '"reasoning_content":"', '"reasoning":"', '"refusal":"'];

/** Non-empty generated text or a tool call in a chunk's JSON text. */
function carriesOutput(d: string): boolean {
  if (d.includes('"tool_calls":[')) return true;
  for (const m of OUTPUT_MARKERS) {
    const i = d.indexOf(m);
    if (i !== -1 && d.charCodeAt(i + m.length) !== 34) return true;
  }
  return false;
}

function collectDelta(delta: Record<string, unknown> | undefined, out: string[]) {
  if (!delta) return;
  for (const field of ["content", "reasoning_content", "reasoning", "refusal"]) {
    const v = delta[field];
    if (typeof v === "string") out.push(v);
  }
  if (Array.isArray(delta.tool_calls)) {
    for (const call of delta.tool_calls as Record<string, unknown>[]) {
      const fn = call.function as Record<string, unknown> | undefined;
      if (typeof fn?.name === "string") out.push(fn.name);
      if (typeof fn?.arguments === "string") out.push(fn.arguments);
    }
  }
}

function metaOf(d: string | undefined): { id: string; created: number; model: string } {
  try {
    const c = JSON.parse(d ?? "{}") as { id?: unknown; created?: unknown; model?: unknown };
    return {
      id: typeof c.id === "string" ? c.id : "",
      created: typeof c.created === "number" ? c.created : 0,
      model: typeof c.model === "string" ? c.model : "",
    };
  } catch {
    return { id: "", created: 0, model: "" };
  }
}

function usageChunk(meta: { id: string; created: number; model: string }, u: Usage) {
  return {
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created || Math.floor(Date.now() / 1000),
    model: meta.model,
    choices: [],
    usage: {
      prompt_tokens: u.inputTokens,
      completion_tokens: u.outputTokens,
      total_tokens: u.inputTokens + u.outputTokens,
      prompt_tokens_details: { cached_tokens: u.cachedTokens },
    },
  };
}
