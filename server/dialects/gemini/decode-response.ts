import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import { usageFromGemini } from "../../core/usage.ts";
import { type Json, obj, objs, parseObject, str } from "../../core/wire-json.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { geminiStreamError } from "./error.ts";
import { geminiCallId } from "./tool-ids.ts";

export function stopFromGemini(reason: unknown, sawToolCall: boolean): StopReason {
  switch (reason) {
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content_filter";
    default:
      // Gemini says STOP after function calls too.
      return sawToolCall ? "tool_calls" : "stop";
  }
}

/** The parts of the first candidate as canonical content. */
function partsOf(chunk: Json): CoreResponse["content"] {
  const cand = objs(chunk.candidates)[0];
  const out: CoreResponse["content"] = [];
  for (const p of objs(obj(cand?.content)?.parts)) {
    const fc = obj(p.functionCall);
    const data = obj(p.inlineData);
    if (fc)
      out.push({
        type: "tool_call",
        id: geminiCallId(str(fc.id), str(p.thoughtSignature)),
        name: str(fc.name) ?? "",
        arguments: JSON.stringify(fc.args ?? {}),
      });
    else if (data) {
      const mediaType = str(data.mimeType) ?? "image/png";
      out.push({ type: "image", source: { kind: "base64", mediaType, data: str(data.data) ?? "" } });
    } else if (typeof p.text === "string" && p.text !== "")
      out.push(p.thought === true ? { type: "thinking", text: p.text } : { type: "text", text: p.text });
  }
  return out;
}

const finishOf = (chunk: Json) => objs(chunk.candidates)[0]?.finishReason;

/** Gemini generateContent answer -> canonical answer. */
export function decodeGenerateResponse(body: Json): CoreResponse {
  const content = partsOf(body);
  const blocked = objs(body.candidates).length === 0 && obj(body.promptFeedback)?.blockReason !== undefined;
  return {
    id: str(body.responseId) ?? "",
    model: str(body.modelVersion) ?? "",
    created: Math.floor(Date.now() / 1000),
    content,
    stopReason: blocked
      ? "content_filter"
      : stopFromGemini(
          finishOf(body),
          content.some((p) => p.type === "tool_call"),
        ),
    usage: usageFromGemini(body.usageMetadata),
  };
}

export type GenerateStreamState = { started: boolean; finish: unknown; calls: number; blocked: boolean };

export const generateStreamState = (): GenerateStreamState => ({
  started: false,
  finish: undefined,
  calls: 0,
  blocked: false,
});

/** One Gemini SSE chunk (a whole GenerateContentResponse) -> canonical events. */
export function generateStreamStep(ev: SseEvent, s: GenerateStreamState): CoreStreamEvent[] {
  const chunk = parseObject(ev.data);
  if (!chunk) return [];
  if (chunk.error) return [{ type: "error", error: geminiStreamError(chunk.error) }];
  const out: CoreStreamEvent[] = [];
  if (!s.started) {
    s.started = true;
    out.push({
      type: "start",
      id: str(chunk.responseId) ?? "",
      model: str(chunk.modelVersion) ?? "",
      created: Math.floor(Date.now() / 1000),
    });
  }
  for (const p of partsOf(chunk)) {
    if (p.type === "text") out.push({ type: "text_delta", text: p.text });
    else if (p.type === "thinking") out.push({ type: "thinking_delta", text: p.text });
    else if (p.type === "image" && p.source.kind === "base64")
      out.push({ type: "image", mediaType: p.source.mediaType, data: p.source.data });
    else if (p.type === "tool_call") {
      const index = s.calls++;
      out.push({ type: "tool_call_start", index, id: p.id, name: p.name });
      out.push({ type: "tool_call_delta", index, arguments: p.arguments });
    }
  }
  const finish = finishOf(chunk);
  if (finish) s.finish = finish;
  if (objs(chunk.candidates).length === 0 && obj(chunk.promptFeedback)?.blockReason !== undefined)
    s.blocked = true;
  const usage = usageFromGemini(chunk.usageMetadata);
  if (usage) out.push({ type: "usage", usage });
  return out;
}

/** Gemini streams have no end marker: the body's end, after a finish reason, completes the answer. */
export function generateStreamEnd(s: GenerateStreamState): CoreStreamEvent[] {
  if (s.blocked) return [{ type: "stop", reason: "content_filter" }];
  if (s.finish === undefined) return [];
  return [{ type: "stop", reason: stopFromGemini(s.finish, s.calls > 0) }];
}
