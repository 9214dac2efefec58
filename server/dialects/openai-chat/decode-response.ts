import { imageFromUrl } from "../../core/images.ts";
import type { ImagePart } from "../../core/request.ts";
import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import { usageFromOpenAI } from "../../core/usage.ts";
import { type Json, num, obj, objs, parseObject, str } from "../../core/wire-json.ts";
import { upstreamInvalid } from "../../errors.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { openaiStreamError } from "./error.ts";

export function stopFromOpenAI(reason: unknown, sawToolCall: boolean): StopReason {
  switch (reason) {
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      // Some compatible servers say "stop" after tool calls.
      return sawToolCall ? "tool_calls" : "stop";
  }
}

/** `message.images` / `delta.images` (OpenRouter, AIGate): data URLs of generated images. */
function images(v: unknown): ImagePart[] {
  return objs(v).flatMap((im) => {
    const url = str(obj(im.image_url)?.url);
    return url ? [{ type: "image" as const, source: imageFromUrl(url) }] : [];
  });
}

/** OpenAI chat completion -> canonical answer (first choice). */
export function decodeChatResponse(body: Json): CoreResponse {
  const choice = objs(body.choices)[0];
  if (!choice) throw upstreamInvalid("a chat completion without choices");
  const m = obj(choice.message) ?? {};
  const content: CoreResponse["content"] = [];
  const reasoning = str(m.reasoning_content) ?? str(m.reasoning);
  if (reasoning) content.push({ type: "thinking", text: reasoning });
  const text = str(m.content) ?? str(m.refusal);
  if (text) content.push({ type: "text", text });
  content.push(...images(m.images));
  for (const c of objs(m.tool_calls)) {
    const fn = obj(c.function) ?? {};
    content.push({
      type: "tool_call",
      id: str(c.id) ?? `call_${content.length}`,
      name: str(fn.name) ?? "",
      arguments: str(fn.arguments) ?? "",
    });
  }
  return {
    id: str(body.id) ?? "",
    model: str(body.model) ?? "",
    created: num(body.created) ?? Math.floor(Date.now() / 1000),
    content,
    stopReason: stopFromOpenAI(
      choice.finish_reason,
      content.some((p) => p.type === "tool_call"),
    ),
    usage: usageFromOpenAI(body.usage),
  };
}

export type ChatStreamState = {
  started: boolean;
  stopped: boolean;
  finish: unknown;
  /** Upstream tool call index -> canonical index. */
  calls: Map<number, number>;
};

export const chatStreamState = (): ChatStreamState => ({
  started: false,
  stopped: false,
  finish: null,
  calls: new Map(),
});

/** One OpenAI chat SSE event -> canonical events. */
export function chatStreamStep(ev: SseEvent, s: ChatStreamState): CoreStreamEvent[] {
  if (s.stopped) return [];
  if (ev.data === "[DONE]") {
    // [DONE] is the end marker even when a server sent no finish_reason.
    s.finish ??= "stop";
    return chatStreamEnd(s);
  }
  const chunk = parseObject(ev.data);
  if (!chunk) return [];
  if (chunk.error) return [{ type: "error", error: openaiStreamError(chunk.error) }];
  const out: CoreStreamEvent[] = [];
  if (!s.started) {
    s.started = true;
    out.push({
      type: "start",
      id: str(chunk.id) ?? "",
      model: str(chunk.model) ?? "",
      created: num(chunk.created) ?? Math.floor(Date.now() / 1000),
    });
  }
  for (const c of objs(chunk.choices)) {
    if ((num(c.index) ?? 0) !== 0) continue;
    const d = obj(c.delta) ?? {};
    const thinking = str(d.reasoning_content) ?? str(d.reasoning);
    if (thinking) out.push({ type: "thinking_delta", text: thinking });
    const text = str(d.content) ?? str(d.refusal);
    if (text) out.push({ type: "text_delta", text });
    for (const im of images(d.images))
      if (im.source.kind === "base64")
        out.push({ type: "image", mediaType: im.source.mediaType, data: im.source.data });
    for (const tc of objs(d.tool_calls)) {
      const up = num(tc.index) ?? 0;
      const fn = obj(tc.function) ?? {};
      let index = s.calls.get(up);
      if (index === undefined) {
        index = s.calls.size;
        s.calls.set(up, index);
        out.push({
          type: "tool_call_start",
          index,
          id: str(tc.id) ?? `call_${index}`,
          name: str(fn.name) ?? "",
        });
      }
      const args = str(fn.arguments);
      if (args) out.push({ type: "tool_call_delta", index, arguments: args });
    }
    if (c.finish_reason) s.finish = c.finish_reason;
  }
  const usage = usageFromOpenAI(chunk.usage);
  if (usage) out.push({ type: "usage", usage });
  return out;
}

/** The body ended: complete only if a finish reason came (some servers omit [DONE]). */
export function chatStreamEnd(s: ChatStreamState): CoreStreamEvent[] {
  if (s.stopped || s.finish === null) return [];
  s.stopped = true;
  return [{ type: "stop", reason: stopFromOpenAI(s.finish, s.calls.size > 0) }];
}
