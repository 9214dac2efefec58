import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import { fullUsageFromAnthropic, usageFromAnthropic } from "../../core/usage.ts";
import { type Json, obj, objs, parseObject, str } from "../../core/wire-json.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { answerPart } from "./blocks.ts";
import { anthropicStreamError } from "./error.ts";

export function stopFromAnthropic(reason: unknown): StopReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "refusal";
    default:
      return "stop";
  }
}

/** Anthropic message -> canonical answer. Server tool blocks (web search results...) are not carried. */
export function decodeMessagesResponse(body: Json): CoreResponse {
  const content: CoreResponse["content"] = [];
  for (const b of objs(body.content)) {
    const part = answerPart(b);
    if (part) content.push(part);
  }
  return {
    id: str(body.id) ?? "",
    model: str(body.model) ?? "",
    created: Math.floor(Date.now() / 1000),
    content,
    stopReason: stopFromAnthropic(body.stop_reason),
    usage: fullUsageFromAnthropic(body.usage),
  };
}

export type MessagesStreamState = {
  stopped: boolean;
  reason: StopReason;
  /** Content block index -> canonical tool call index. */
  tools: Map<number, number>;
};

export const messagesStreamState = (): MessagesStreamState => ({
  stopped: false,
  reason: "stop",
  tools: new Map(),
});

/** One Anthropic SSE event -> canonical events. */
export function messagesStreamStep(ev: SseEvent, s: MessagesStreamState): CoreStreamEvent[] {
  if (s.stopped) return [];
  const d = parseObject(ev.data);
  if (!d) return [];
  switch (d.type ?? ev.event) {
    case "message_start": {
      const m = obj(d.message) ?? {};
      const out: CoreStreamEvent[] = [
        {
          type: "start",
          id: str(m.id) ?? "",
          model: str(m.model) ?? "",
          created: Math.floor(Date.now() / 1000),
        },
      ];
      const usage = usageFromAnthropic(m.usage);
      if (usage) out.push({ type: "usage", usage });
      return out;
    }
    case "content_block_start": {
      const b = obj(d.content_block) ?? {};
      const i = typeof d.index === "number" ? d.index : 0;
      if (b.type === "tool_use") {
        const index = s.tools.size;
        s.tools.set(i, index);
        const out: CoreStreamEvent[] = [
          { type: "tool_call_start", index, id: str(b.id) ?? "", name: str(b.name) ?? "" },
        ];
        const input = obj(b.input);
        if (input && Object.keys(input).length > 0)
          out.push({ type: "tool_call_delta", index, arguments: JSON.stringify(input) });
        return out;
      }
      if (b.type === "text" && str(b.text)) return [{ type: "text_delta", text: str(b.text) ?? "" }];
      if (b.type === "thinking" && str(b.thinking))
        return [{ type: "thinking_delta", text: str(b.thinking) ?? "" }];
      return [];
    }
    case "content_block_delta": {
      const delta = obj(d.delta) ?? {};
      const i = typeof d.index === "number" ? d.index : 0;
      switch (delta.type) {
        case "text_delta":
          return str(delta.text) ? [{ type: "text_delta", text: str(delta.text) ?? "" }] : [];
        case "input_json_delta": {
          const index = s.tools.get(i);
          const part = str(delta.partial_json);
          return index !== undefined && part ? [{ type: "tool_call_delta", index, arguments: part }] : [];
        }
        case "thinking_delta":
          return str(delta.thinking) ? [{ type: "thinking_delta", text: str(delta.thinking) ?? "" }] : [];
        case "signature_delta":
          return [{ type: "thinking_delta", text: "", signature: str(delta.signature) ?? "" }];
        default:
          return [];
      }
    }
    case "message_delta": {
      const delta = obj(d.delta) ?? {};
      if (delta.stop_reason) s.reason = stopFromAnthropic(delta.stop_reason);
      const usage = usageFromAnthropic(d.usage);
      return usage ? [{ type: "usage", usage }] : [];
    }
    case "message_stop":
      s.stopped = true;
      return [{ type: "stop", reason: s.reason }];
    case "error":
      return [{ type: "error", error: anthropicStreamError(d) }];
    default:
      // ping, content_block_stop, and event types added later
      return [];
  }
}
