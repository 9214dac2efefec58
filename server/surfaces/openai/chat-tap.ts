import type { Usage } from "../../core/usage.ts";
import { usageFromOpenAI } from "../../core/usage.ts";
import { GatewayError } from "../../errors.ts";
import type { StreamTap } from "../../gateway/codec.ts";
import { dataBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";

const encoder = new TextEncoder();

/**
 * OpenAI chat stream in, OpenAI chat stream out: each chunk is forwarded as it came,
 * usage is tapped. The upstream is always asked for usage; a client that did not ask
 * for it never sees it (the usage-only chunk is dropped, `usage` fields are removed).
 * A client that asked gets the usage chunk after the charge is committed, just before
 * `[DONE]`; if the upstream sent none, one is made from our own count.
 */
export class OpenAIChatTap implements StreamTap {
  ended = false;
  failed: GatewayError | null = null;
  sawOutput = false;
  private snapshot: Usage | null = null;
  private heldUsage: string | null = null;
  private usageForwarded = false;
  private finishSeen = false;
  private readonly text: string[] = [];
  private meta = { id: "", created: 0, model: "" };

  constructor(private readonly clientWantsUsage: boolean) {}

  push(ev: SseEvent): Uint8Array | null {
    if (ev.data === "[DONE]") {
      this.ended = true;
      return null;
    }
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(ev.data);
    } catch {
      return dataBytes(ev.data);
    }
    if (!chunk || typeof chunk !== "object") return dataBytes(ev.data);
    if (chunk.error) {
      this.failed = streamedError(chunk.error);
      return null;
    }
    if (typeof chunk.id === "string") this.meta.id = chunk.id;
    if (typeof chunk.created === "number") this.meta.created = chunk.created;
    if (typeof chunk.model === "string") this.meta.model = chunk.model;
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Record<string, unknown>[]) : [];
    for (const c of choices) this.collect(c);

    if (!("usage" in chunk)) return dataBytes(ev.data);
    const usage = usageFromOpenAI(chunk.usage);
    if (usage) this.snapshot = usage;
    if (!this.clientWantsUsage) {
      if (choices.length === 0) return null;
      delete chunk.usage;
      return dataBytes(JSON.stringify(chunk));
    }
    if (usage && choices.length === 0) {
      this.heldUsage = ev.data; // sent after the commit
      return null;
    }
    if (usage) this.usageForwarded = true;
    return dataBytes(ev.data);
  }

  private collect(c: Record<string, unknown>) {
    const delta = c.delta as Record<string, unknown> | undefined;
    if (delta) {
      for (const field of ["content", "reasoning_content", "reasoning", "refusal"]) {
        const v = delta[field];
        if (typeof v === "string" && v.length > 0) {
          this.text.push(v);
          this.sawOutput = true;
        }
      }
      const calls = delta.tool_calls;
      if (Array.isArray(calls)) {
        for (const call of calls as Record<string, unknown>[]) {
          const fn = call.function as Record<string, unknown> | undefined;
          if (typeof fn?.name === "string") this.text.push(fn.name);
          if (typeof fn?.arguments === "string") this.text.push(fn.arguments);
          this.sawOutput = true;
        }
      }
    }
    if (c.finish_reason) this.finishSeen = true;
  }

  endOfInput(): void {
    // Some compatible servers close after the finish_reason without sending [DONE].
    if (this.finishSeen) this.ended = true;
  }

  usage(): Usage | null {
    return this.snapshot;
  }

  outputText(): string {
    return this.text.join("");
  }

  finish(usage: Usage): Uint8Array {
    let out = "";
    if (this.clientWantsUsage && !this.usageForwarded) {
      out += `data: ${this.heldUsage ?? JSON.stringify(usageChunk(this.meta, usage))}\n\n`;
    }
    return encoder.encode(`${out}data: [DONE]\n\n`);
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

function streamedError(e: unknown): GatewayError {
  const msg =
    typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string"
      ? (e as { message: string }).message
      : "The upstream provider reported an error in the stream.";
  return new GatewayError("upstream", msg.slice(0, 500), { code: "upstream_stream_error" });
}
