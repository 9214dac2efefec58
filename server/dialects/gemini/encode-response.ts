import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { StreamEncodeContext, SurfaceStreamEncoder } from "../../core/translate.ts";
import type { Usage } from "../../core/usage.ts";
import { argsObject, type Json } from "../../core/wire-json.ts";

export function geminiFinish(r: StopReason): string {
  switch (r) {
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
    case "refusal":
      return "SAFETY";
    default:
      return "STOP";
  }
}

export function usageMetadata(u: Usage): Json {
  const m: Json = {
    promptTokenCount: u.inputTokens,
    candidatesTokenCount: u.outputTokens,
    totalTokenCount: u.inputTokens + u.outputTokens,
  };
  if (u.cachedTokens > 0) m.cachedContentTokenCount = u.cachedTokens;
  return m;
}

const call = (id: string, name: string, args: string): Json => ({
  functionCall: { id, name, args: argsObject(args) },
});

/** Canonical answer -> GenerateContentResponse. */
export function encodeGenerateResponse(res: CoreResponse, ctx: { publicModel: string }): Json {
  const parts: Json[] = [];
  for (const p of res.content) {
    if (p.type === "text") parts.push({ text: p.text });
    else if (p.type === "thinking") parts.push({ text: p.text, thought: true });
    else if (p.type === "tool_call") parts.push(call(p.id, p.name, p.arguments));
    else if (p.source.kind === "base64")
      parts.push({ inlineData: { mimeType: p.source.mediaType, data: p.source.data } });
  }
  if (parts.length === 0) parts.push({ text: "" });
  const body: Json = {
    candidates: [{ content: { role: "model", parts }, finishReason: geminiFinish(res.stopReason), index: 0 }],
    modelVersion: ctx.publicModel,
    responseId: res.id,
  };
  if (res.usage) body.usageMetadata = usageMetadata(res.usage);
  return body;
}

/**
 * Framing of streamGenerateContent: `alt=sse` gives SSE events; without it Google
 * streams one JSON array of responses.
 */
export class GeminiFraming {
  private first = true;
  constructor(readonly sse: boolean) {}

  chunk(body: Json): string {
    return this.text(JSON.stringify(body));
  }

  /** A chunk already JSON text (one line: an SSE event's data must not break). */
  text(json: string): string {
    if (this.sse) return `data: ${json}\r\n\r\n`;
    const out = `${this.first ? "[" : ",\r\n"}${json}`;
    this.first = false;
    return out;
  }

  /** The end of an array (nothing for SSE). */
  close(): string {
    if (this.sse) return "";
    return this.first ? "[]" : "]";
  }
}

/**
 * Canonical events -> GenerateContentResponse chunks. Gemini sends a function call whole,
 * so arguments are gathered and the call goes out once complete; finishReason and the
 * billed usage ride the last chunk, sent after the charge committed.
 */
export function generateStreamEncoder(
  ctx: StreamEncodeContext,
  framing: GeminiFraming,
): SurfaceStreamEncoder {
  let responseId = "";
  let reason: StopReason = "stop";
  let pending: { id: string; name: string; args: string } | null = null;
  const chunk = (parts: Json[], extra: Json = {}) =>
    framing.chunk({
      candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
      modelVersion: ctx.publicModel,
      responseId,
    });
  const flush = () => {
    if (!pending) return "";
    const out = chunk([call(pending.id, pending.name, pending.args)]);
    pending = null;
    return out;
  };
  return {
    push(ev: CoreStreamEvent): string {
      switch (ev.type) {
        case "start":
          responseId = ev.id;
          return "";
        case "text_delta":
          return flush() + chunk([{ text: ev.text }]);
        case "thinking_delta":
          return ev.text ? flush() + chunk([{ text: ev.text, thought: true }]) : "";
        case "image":
          return flush() + chunk([{ inlineData: { mimeType: ev.mediaType, data: ev.data } }]);
        case "tool_call_start": {
          const out = flush();
          pending = { id: ev.id, name: ev.name, args: "" };
          return out;
        }
        case "tool_call_delta":
          if (pending) pending.args += ev.arguments;
          return "";
        case "stop":
          reason = ev.reason;
          return flush();
        default:
          return "";
      }
    },
    finish(usage: Usage): string {
      const last = framing.chunk({
        candidates: [
          { content: { role: "model", parts: [{ text: "" }] }, finishReason: geminiFinish(reason), index: 0 },
        ],
        usageMetadata: usageMetadata(usage),
        modelVersion: ctx.publicModel,
        responseId,
      });
      return flush() + last + framing.close();
    },
  };
}
