import type { StreamTap, SurfaceCodec, UpstreamResult } from "../../core/codec.ts";
import { setTopLevelString } from "../../core/public-model.ts";
import { usageFromOpenAI } from "../../core/usage.ts";
import type { GatewayError } from "../../errors.ts";
import { countPrompt, type PromptCount, promptTokens } from "../../tokens/count.ts";
import { openaiErrorBody } from "./error.ts";
import type { ChatRequest } from "./schema.ts";
import { OpenAIChatTap } from "./tap.ts";

const encoder = new TextEncoder();

/** The prompt counted with the tokenizer (used when the upstream reports no usage). */
export function countChatInput(req: ChatRequest): PromptCount {
  const texts: string[] = [];
  let images = 0;
  for (const m of req.messages) {
    let t = m.name ?? "";
    if (typeof m.content === "string") t += m.content;
    else if (Array.isArray(m.content)) {
      for (const p of m.content) {
        if (p.type === "text" && typeof p.text === "string") t += p.text;
        else if (p.type === "image_url") images++;
      }
    }
    for (const c of m.tool_calls ?? []) t += (c.function?.name ?? "") + (c.function?.arguments ?? "");
    texts.push(t);
  }
  const tools = req.tools ? JSON.stringify(req.tools) : "";
  return countPrompt(texts, images, tools);
}

/** Text generated in a non-streamed chat completion, for counting when no usage came. */
function completionText(body: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const c of Array.isArray(body.choices) ? (body.choices as Record<string, unknown>[]) : []) {
    const m = c.message as Record<string, unknown> | undefined;
    if (!m) continue;
    for (const f of ["content", "reasoning_content", "reasoning", "refusal"])
      if (typeof m[f] === "string") parts.push(m[f] as string);
    for (const call of Array.isArray(m.tool_calls)
      ? (m.tool_calls as Record<string, Record<string, unknown>>[])
      : []) {
      parts.push(String(call.function?.name ?? ""), String(call.function?.arguments ?? ""));
    }
  }
  return parts.join("");
}

/**
 * The chat completions surface over an OpenAI-dialect upstream: bytes pass through (the
 * `model` renamed to `publicModel`, the id the client asked for), usage is tapped; the
 * request is read only to count the prompt when the upstream reports no usage.
 */
export function openaiChatCodec(o: PassThroughSpec): SurfaceCodec {
  return new OpenAIChatPassThrough(o);
}

/**
 * `request` is the whole request (only to count it): the client's text, parsed only then (a
 * held stream need not keep it parsed, nor a closure over it), or the validated value.
 */
type PassThroughSpec = { publicModel: string; includeUsage: boolean; request: string | ChatRequest };

/** A class, not closures: a streamed answer holds its codec for as long as it lasts. */
class OpenAIChatPassThrough implements SurfaceCodec {
  private counted: PromptCount | null = null;

  constructor(private readonly o: PassThroughSpec) {}

  countInput(perImage?: number): number {
    const r = this.o.request;
    this.counted ??= countChatInput(typeof r === "string" ? (JSON.parse(r) as ChatRequest) : r);
    return promptTokens(this.counted, perImage);
  }

  json(result: Extract<UpstreamResult, { kind: "json" }>) {
    return {
      body: setTopLevelString(result.text, "model", this.o.publicModel),
      usage: usageFromOpenAI(result.body.usage),
      outputText: () => completionText(result.body),
    };
  }

  stream(): StreamTap {
    return new OpenAIChatTap(this.o.includeUsage, this.o.publicModel);
  }

  streamError(err: GatewayError): Uint8Array {
    return encoder.encode(`data: ${JSON.stringify(openaiErrorBody(err))}\n\n`);
  }
}
