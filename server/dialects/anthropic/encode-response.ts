import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { StreamEncodeContext, SurfaceStreamEncoder } from "../../core/translate.ts";
import type { Usage } from "../../core/usage.ts";
import { argsObject, type Json } from "../../core/wire-json.ts";

export function anthropicStop(r: StopReason): string {
  switch (r) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
    case "refusal":
      return "refusal";
    case "stop":
      return "end_turn";
  }
}

/** Canonical usage as Anthropic reports it: input_tokens excludes cache reads and writes. */
export function anthropicUsage(u: Usage): Json {
  const writes = u.cacheWriteTokens ?? 0;
  const writes1h = u.cacheWrite1hTokens ?? 0;
  return {
    input_tokens: u.inputTokens - u.cachedTokens - writes,
    cache_creation_input_tokens: writes,
    cache_read_input_tokens: u.cachedTokens,
    ...(writes > 0
      ? {
          cache_creation: {
            ephemeral_5m_input_tokens: writes - writes1h,
            ephemeral_1h_input_tokens: writes1h,
          },
        }
      : {}),
    output_tokens: u.outputTokens,
  };
}

const messageId = (id: string) =>
  id.startsWith("msg_")
    ? id
    : `msg_${id.replace(/[^a-zA-Z0-9_-]/g, "") || crypto.randomUUID().replaceAll("-", "")}`;

/** Canonical answer -> Anthropic message. Generated images have no Messages form and are left out. */
export function encodeMessagesResponse(res: CoreResponse, ctx: { publicModel: string }): Json {
  const content: Json[] = [];
  for (const p of res.content) {
    if (p.type === "thinking")
      content.push({ type: "thinking", thinking: p.text, signature: p.signature ?? "" });
    else if (p.type === "text") content.push({ type: "text", text: p.text });
    else if (p.type === "tool_call")
      content.push({ type: "tool_use", id: p.id, name: p.name, input: argsObject(p.arguments) });
  }
  return {
    id: messageId(res.id),
    type: "message",
    role: "assistant",
    model: ctx.publicModel,
    content,
    stop_reason: anthropicStop(res.stopReason),
    stop_sequence: null,
    usage: anthropicUsage(res.usage ?? { inputTokens: 0, cachedTokens: 0, outputTokens: 0 }),
  };
}

const sse = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * Canonical events -> the Messages event sequence: message_start, ping, one content
 * block at a time (start, deltas, stop), then message_delta (stop reason, billed usage)
 * and message_stop after the charge committed.
 */
export function messagesStreamEncoder(ctx: StreamEncodeContext): SurfaceStreamEncoder {
  let started = false;
  let id = messageId("");
  let block = -1;
  let open: "text" | "thinking" | "tool" | null = null;
  let openTool = -1;
  /** Canonical tool call index -> content block index. */
  const toolBlocks = new Map<number, number>();
  let reason: StopReason = "stop";

  const start = () => {
    if (started) return "";
    started = true;
    return (
      sse("message_start", {
        message: {
          id,
          type: "message",
          role: "assistant",
          model: ctx.publicModel,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }) + sse("ping", {})
    );
  };
  const close = () => {
    if (open === null) return "";
    open = null;
    return sse("content_block_stop", { index: block });
  };
  const openBlock = (kind: "text" | "thinking" | "tool", contentBlock: Json) => {
    const out = start() + close();
    block++;
    open = kind;
    return out + sse("content_block_start", { index: block, content_block: contentBlock });
  };

  return {
    push(ev: CoreStreamEvent): string {
      switch (ev.type) {
        case "start":
          if (!started) id = messageId(ev.id);
          return start();
        case "text_delta": {
          const head = open === "text" ? "" : openBlock("text", { type: "text", text: "" });
          return (
            head + sse("content_block_delta", { index: block, delta: { type: "text_delta", text: ev.text } })
          );
        }
        case "thinking_delta": {
          const head =
            open === "thinking"
              ? ""
              : openBlock("thinking", { type: "thinking", thinking: "", signature: "" });
          let out = head;
          if (ev.text)
            out += sse("content_block_delta", {
              index: block,
              delta: { type: "thinking_delta", thinking: ev.text },
            });
          if (ev.signature)
            out += sse("content_block_delta", {
              index: block,
              delta: { type: "signature_delta", signature: ev.signature },
            });
          return out;
        }
        case "tool_call_start": {
          const out = openBlock("tool", { type: "tool_use", id: ev.id, name: ev.name, input: {} });
          openTool = ev.index;
          toolBlocks.set(ev.index, block);
          return out;
        }
        case "tool_call_delta": {
          const index = toolBlocks.get(ev.index);
          if (index === undefined) return "";
          // Deltas for a call whose block is already closed keep their own index.
          const i = open === "tool" && openTool === ev.index ? block : index;
          return sse("content_block_delta", {
            index: i,
            delta: { type: "input_json_delta", partial_json: ev.arguments },
          });
        }
        case "stop":
          reason = ev.reason;
          return start() + close();
        default:
          return "";
      }
    },
    finish(usage: Usage): string {
      return (
        start() +
        close() +
        sse("message_delta", {
          delta: { stop_reason: anthropicStop(reason), stop_sequence: null },
          usage: anthropicUsage(usage),
        }) +
        sse("message_stop", {})
      );
    },
  };
}
