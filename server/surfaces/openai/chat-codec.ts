import { setTopLevelString } from "../../core/public-model.ts";
import { usageFromOpenAI } from "../../core/usage.ts";
import type { GatewayError } from "../../errors.ts";
import type { StreamTap, SurfaceCodec } from "../../gateway/codec.ts";
import type { UpstreamResult } from "../../providers/provider.ts";
import { type PromptCount, promptTokens } from "../../tokens/count.ts";
import { countChatInput } from "./chat-input.ts";
import type { ChatRequest } from "./chat-schema.ts";
import { OpenAIChatTap } from "./chat-tap.ts";
import { openaiErrorBody } from "./error.ts";

const encoder = new TextEncoder();

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
 * `model` renamed to the id the client asked for), usage is tapped.
 */
export function openaiChatCodec(req: ChatRequest): SurfaceCodec {
  let counted: PromptCount | null = null;
  return {
    countInput(perImage) {
      counted ??= countChatInput(req);
      return promptTokens(counted, perImage);
    },
    json(result: Extract<UpstreamResult, { kind: "json" }>) {
      return {
        body: setTopLevelString(result.text, "model", req.model),
        usage: usageFromOpenAI(result.body.usage),
        outputText: () => completionText(result.body),
      };
    },
    stream(): StreamTap {
      return new OpenAIChatTap(req.stream_options?.include_usage === true, req.model);
    },
    streamError(err: GatewayError): Uint8Array {
      return encoder.encode(`data: ${JSON.stringify(openaiErrorBody(err))}\n\n`);
    },
  };
}
