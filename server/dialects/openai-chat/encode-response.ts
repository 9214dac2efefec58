import { imageToUrl } from "../../core/images.ts";
import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { StreamEncodeContext, SurfaceStreamEncoder } from "../../core/translate.ts";
import type { Usage } from "../../core/usage.ts";
import type { Json } from "../../core/wire-json.ts";

export function finishReason(r: StopReason): string {
  return r === "refusal" ? "content_filter" : r;
}

export function chatUsage(u: Usage): Json {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
  };
}

const chatId = (id: string) => (id.startsWith("chatcmpl") ? id : `chatcmpl-${id || crypto.randomUUID()}`);

/** Canonical answer -> chat completion body. */
export function encodeChatResponse(res: CoreResponse, ctx: { publicModel: string }): Json {
  const text = res.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  const reasoning = res.content.flatMap((p) => (p.type === "thinking" ? [p.text] : [])).join("");
  const calls = res.content.flatMap((p) =>
    p.type === "tool_call"
      ? [{ id: p.id, type: "function", function: { name: p.name, arguments: p.arguments } }]
      : [],
  );
  const images = res.content.flatMap((p) =>
    p.type === "image" ? [{ type: "image_url", image_url: { url: imageToUrl(p.source) } }] : [],
  );
  const message: Json = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length > 0) message.tool_calls = calls;
  if (images.length > 0) message.images = images;
  const body: Json = {
    id: chatId(res.id),
    object: "chat.completion",
    created: res.created,
    model: ctx.publicModel,
    choices: [{ index: 0, message, finish_reason: finishReason(res.stopReason), logprobs: null }],
  };
  if (res.usage) body.usage = chatUsage(res.usage);
  return body;
}

/** Canonical events -> chat completion chunks; usage and [DONE] after the charge. */
export function chatStreamEncoder(ctx: StreamEncodeContext): SurfaceStreamEncoder {
  let meta = { id: chatId(""), created: Math.floor(Date.now() / 1000) };
  let started = false;
  const chunk = (delta: Json, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id: meta.id,
      object: "chat.completion.chunk",
      created: meta.created,
      model: ctx.publicModel,
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const opening = () => {
    if (started) return "";
    started = true;
    return chunk({ role: "assistant", content: "" });
  };
  return {
    push(ev: CoreStreamEvent): string {
      switch (ev.type) {
        case "start":
          meta = { id: chatId(ev.id), created: ev.created };
          return opening();
        case "text_delta":
          return opening() + chunk({ content: ev.text });
        case "thinking_delta":
          return opening() + chunk({ reasoning_content: ev.text });
        case "tool_call_start":
          return (
            opening() +
            chunk({
              tool_calls: [
                { index: ev.index, id: ev.id, type: "function", function: { name: ev.name, arguments: "" } },
              ],
            })
          );
        case "tool_call_delta":
          return (
            opening() + chunk({ tool_calls: [{ index: ev.index, function: { arguments: ev.arguments } }] })
          );
        case "image":
          return (
            opening() +
            chunk({
              images: [{ type: "image_url", image_url: { url: `data:${ev.mediaType};base64,${ev.data}` } }],
            })
          );
        case "stop":
          return opening() + chunk({}, finishReason(ev.reason));
        default:
          return "";
      }
    },
    finish(usage: Usage): string {
      const u = ctx.includeUsage
        ? `data: ${JSON.stringify({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: ctx.publicModel, choices: [], usage: chatUsage(usage) })}\n\n`
        : "";
      return `${u}data: [DONE]\n\n`;
    },
  };
}
