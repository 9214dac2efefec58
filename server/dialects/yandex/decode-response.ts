import type { ToolCallPart } from "../../core/request.ts";
import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { Usage } from "../../core/usage.ts";
import { lookup, parseObject } from "../../core/wire-json.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { argumentsText, intOf, localId } from "../text-only-parts.ts";
import { yandexStreamError } from "./error.ts";

const STOP: Record<string, StopReason> = {
  ALTERNATIVE_STATUS_FINAL: "stop",
  ALTERNATIVE_STATUS_TRUNCATED_FINAL: "length",
  ALTERNATIVE_STATUS_CONTENT_FILTER: "content_filter",
  ALTERNATIVE_STATUS_TOOL_CALLS: "tool_calls",
};

export function yandexUsage(u: unknown): Usage | null {
  if (!u || typeof u !== "object") return null;
  const o = u as Record<string, unknown>;
  const input = intOf(o.inputTextTokens);
  if (input === undefined) return null;
  return { inputTokens: input, cachedTokens: 0, outputTokens: intOf(o.completionTokens) ?? 0 };
}

/** The payload of an answer or stream line: `{result: {...}}` on the wire, bare in the reference. */
function payload(body: Record<string, unknown>): Record<string, unknown> {
  const r = body.result;
  return r && typeof r === "object" ? (r as Record<string, unknown>) : body;
}

function alternative(p: Record<string, unknown>): { message: Record<string, unknown>; status: string } {
  const alt = (Array.isArray(p.alternatives) ? p.alternatives[0] : undefined) as
    | Record<string, unknown>
    | undefined;
  return {
    message: (alt?.message ?? {}) as Record<string, unknown>,
    status: typeof alt?.status === "string" ? alt.status : "",
  };
}

function callsOf(message: Record<string, unknown>): ToolCallPart[] {
  const list = (message.toolCallList as { toolCalls?: unknown } | undefined)?.toolCalls;
  if (!Array.isArray(list)) return [];
  const out: ToolCallPart[] = [];
  for (const c of list as Record<string, unknown>[]) {
    const f = c?.functionCall as Record<string, unknown> | undefined;
    if (typeof f?.name !== "string") continue;
    out.push({
      type: "tool_call",
      id: localId("call_"),
      name: f.name,
      arguments: argumentsText(f.arguments),
    });
  }
  return out;
}

function modelOf(p: Record<string, unknown>): string {
  return typeof p.modelVersion === "string" ? p.modelVersion : "";
}

/** Yandex completion answer -> canonical answer. */
export function decodeYandexResponse(body: Record<string, unknown>): CoreResponse {
  const p = payload(body);
  const { message, status } = alternative(p);
  const content: CoreResponse["content"] = [];
  if (typeof message.text === "string" && message.text) content.push({ type: "text", text: message.text });
  const calls = callsOf(message);
  content.push(...calls);
  return {
    id: localId("chatcmpl-"),
    model: modelOf(p),
    created: Math.floor(Date.now() / 1000),
    content,
    stopReason: calls.length > 0 ? "tool_calls" : (lookup(STOP, status) ?? "stop"),
    usage: yandexUsage(p.usage),
  };
}

export type YandexStreamState = { started: boolean; sent: string; finished: boolean };

/**
 * One line of a Yandex stream to canonical events, over explicit state: whole-text-so-far
 * lines become deltas; tool calls arrive whole, with a final status.
 */
export function yandexStreamStep(ev: SseEvent, st: YandexStreamState): CoreStreamEvent[] {
  const body = parseObject(ev.data);
  if (!body) return [];
  const failed = yandexStreamError(body);
  if (failed) return [{ type: "error", error: failed }];
  const p = payload(body);
  const out: CoreStreamEvent[] = [];
  if (!st.started) {
    st.started = true;
    out.push({
      type: "start",
      id: localId("chatcmpl-"),
      model: modelOf(p),
      created: Math.floor(Date.now() / 1000),
    });
  }
  if (st.finished) return out;
  const { message, status } = alternative(p);
  if (typeof message.text === "string" && message.text.length > st.sent.length) {
    // Normally the new text extends what was sent; if the upstream revised earlier text,
    // what the client already has cannot be taken back, so only the new tail is sent.
    out.push({ type: "text_delta", text: message.text.slice(st.sent.length) });
    st.sent = message.text;
  }
  const calls = callsOf(message);
  calls.forEach((c, index) => {
    out.push({ type: "tool_call_start", index, id: c.id, name: c.name });
    out.push({ type: "tool_call_delta", index, arguments: c.arguments });
  });
  const usage = yandexUsage(p.usage);
  if (usage) out.push({ type: "usage", usage });
  const reason = calls.length > 0 ? "tool_calls" : lookup(STOP, status);
  if (reason) {
    st.finished = true;
    out.push({ type: "stop", reason });
  }
  return out;
}
