import type { ToolCallPart } from "../../core/request.ts";
import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { Usage } from "../../core/usage.ts";
import { lookup, obj, objs, parseObject } from "../../core/wire-json.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { argumentsText, intOf, localId } from "../text-only-parts.ts";
import { gigachatStreamError } from "./error.ts";

const STOP: Record<string, StopReason> = {
  stop: "stop",
  length: "length",
  function_call: "tool_calls",
  blacklist: "content_filter",
};

function stopReason(v: unknown): StopReason {
  return (typeof v === "string" && lookup(STOP, v)) || "stop";
}

export function gigachatUsage(u: unknown): Usage | null {
  if (!u || typeof u !== "object") return null;
  const o = u as Record<string, unknown>;
  const prompt = intOf(o.prompt_tokens);
  if (prompt === undefined) return null;
  const cached = intOf(o.precached_prompt_tokens) ?? 0;
  return {
    inputTokens: prompt + cached,
    cachedTokens: cached,
    outputTokens: intOf(o.completion_tokens) ?? 0,
  };
}

function callOf(fc: unknown, stateId: unknown): ToolCallPart | null {
  if (!fc || typeof fc !== "object") return null;
  const f = fc as Record<string, unknown>;
  if (typeof f.name !== "string") return null;
  return {
    type: "tool_call",
    id: typeof stateId === "string" && stateId ? stateId : localId("call_"),
    name: f.name,
    arguments: argumentsText(f.arguments),
  };
}

/** GigaChat chat completion -> canonical answer. */
export function decodeGigaChatResponse(body: Record<string, unknown>): CoreResponse {
  const choice = (Array.isArray(body.choices) ? body.choices[0] : undefined) as
    | Record<string, unknown>
    | undefined;
  const msg = (choice?.message ?? {}) as Record<string, unknown>;
  const content: CoreResponse["content"] = [];
  if (typeof msg.reasoning_content === "string" && msg.reasoning_content)
    content.push({ type: "thinking", text: msg.reasoning_content });
  if (typeof msg.content === "string" && msg.content) content.push({ type: "text", text: msg.content });
  const call = callOf(msg.function_call, msg.functions_state_id);
  if (call) content.push(call);
  return {
    id: typeof body.id === "string" ? body.id : localId("chatcmpl-"),
    model: typeof body.model === "string" ? body.model : "",
    created: intOf(body.created) ?? Math.floor(Date.now() / 1000),
    content,
    stopReason: call ? "tool_calls" : stopReason(choice?.finish_reason),
    usage: gigachatUsage(body.usage),
  };
}

export type GigaChatStreamState = { started: boolean; stopped: boolean; calls: number };

/** One SSE event of a GigaChat stream to canonical events, over explicit state. */
export function gigachatStreamStep(ev: SseEvent, st: GigaChatStreamState): CoreStreamEvent[] {
  // The documented stream example ends with [DONE] and no finish_reason: [DONE] is the end.
  if (ev.data === "[DONE]") {
    if (st.stopped || !st.started) return [];
    st.stopped = true;
    return [{ type: "stop", reason: st.calls > 0 ? "tool_calls" : "stop" }];
  }
  const chunk = parseObject(ev.data);
  if (!chunk) return [];
  const failed = gigachatStreamError(chunk);
  if (failed) return [{ type: "error", error: failed }];
  const out: CoreStreamEvent[] = [];
  if (!st.started) {
    st.started = true;
    out.push({
      type: "start",
      id: typeof chunk.id === "string" ? chunk.id : localId("chatcmpl-"),
      model: typeof chunk.model === "string" ? chunk.model : "",
      created: intOf(chunk.created) ?? Math.floor(Date.now() / 1000),
    });
  }
  const choice = objs(chunk.choices)[0];
  const delta = obj(choice?.delta) ?? {};
  if (typeof delta.reasoning_content === "string" && delta.reasoning_content)
    out.push({ type: "thinking_delta", text: delta.reasoning_content });
  if (typeof delta.content === "string" && delta.content)
    out.push({ type: "text_delta", text: delta.content });
  // GigaChat sends a function call whole, in the chunk that finishes the answer.
  const call = callOf(delta.function_call, delta.functions_state_id);
  if (call) {
    const index = st.calls++;
    out.push({ type: "tool_call_start", index, id: call.id, name: call.name });
    out.push({ type: "tool_call_delta", index, arguments: call.arguments });
  }
  const usage = gigachatUsage(chunk.usage);
  if (usage) out.push({ type: "usage", usage });
  if (choice?.finish_reason && !st.stopped) {
    st.stopped = true;
    out.push({ type: "stop", reason: st.calls > 0 ? "tool_calls" : stopReason(choice.finish_reason) });
  }
  return out;
}
