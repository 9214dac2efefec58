import { unsupportedFeature } from "../../core/features.ts";
import type { CoreMessage, CoreRequest, ToolCallPart } from "../../core/request.ts";
import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import { drop, type ProviderDialectCodec, statefulDecoder } from "../../core/translate.ts";
import type { Usage } from "../../core/usage.ts";
import { argsObject, lookup, obj, objs, parseObject } from "../../core/wire-json.ts";
import type { GatewayError } from "../../errors.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { streamedError } from "../stream-error.ts";
import {
  argumentsText,
  dropHints,
  intOf,
  joinText,
  localId,
  refuseImages,
  toolNamesById,
  toolResultText,
} from "../text-only-parts.ts";

/**
 * GigaChat's chat completions (POST /api/v1/chat/completions), per Sber's REST reference
 * and the official SDKs (ai-forever/gigachat, gigachat-js):
 * - one system message, first; roles user / assistant / function;
 * - tools are `functions` [{name, description, parameters}], chosen with `function_call`
 *   "auto" | "none" | {name}; a call comes back as `message.function_call` with
 *   `arguments` as a JSON object (not text), `functions_state_id`, finish "function_call";
 * - a result goes back as {role: "function", name, content: <JSON text>};
 * - one call per answer: an assistant turn with several calls is replayed call by call;
 * - usage {prompt_tokens, completion_tokens, total_tokens, precached_prompt_tokens}, where
 *   prompt_tokens excludes the precached ones;
 * - streaming is SSE of chat.completion chunks with `delta`, usage on the last, then [DONE].
 */

const NAME = "GigaChat";

/** GigaChat's state ids are UUIDs; our own ids for its calls are not, and are never sent back. */
const STATE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type GigaMessage = {
  role: "system" | "user" | "assistant" | "function";
  content: string;
  name?: string;
  function_call?: { name: string; arguments: Record<string, unknown> };
  functions_state_id?: string;
};

/** A function's result must be JSON text; plain text is wrapped as {"result": text}. */
function resultContent(text: string): string {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return text;
  } catch {
    // not JSON: wrapped below
  }
  return JSON.stringify({ result: text });
}

function encodeMessages(req: CoreRequest): GigaMessage[] {
  const out: GigaMessage[] = [];
  const system = joinText(req.system, "\n\n");
  if (system) out.push({ role: "system", content: system });
  const names = toolNamesById(req.messages);
  // Results by call id, so an assistant turn with several calls can be replayed one call
  // and its result at a time (GigaChat takes one function_call per assistant message).
  const results = new Map<string, string>();
  for (const m of req.messages)
    for (const p of m.parts) if (p.type === "tool_result") results.set(p.toolCallId, toolResultText(p, NAME));
  const sent = new Set<string>();

  const pushResult = (id: string) => {
    const text = results.get(id);
    if (text === undefined || sent.has(id)) return;
    sent.add(id);
    out.push({ role: "function", name: names.get(id) ?? "function", content: resultContent(text) });
  };
  const pushUser = (text: string) => {
    const last = out[out.length - 1];
    // Consecutive user turns (a tool result followed by text in one Anthropic message) are merged.
    if (last?.role === "user") last.content = `${last.content}\n${text}`;
    else out.push({ role: "user", content: text });
  };

  for (const m of req.messages) encodeMessage(m, { out, pushResult, pushUser });
  return out;
}

function encodeMessage(
  m: CoreMessage,
  w: { out: GigaMessage[]; pushResult: (id: string) => void; pushUser: (text: string) => void },
) {
  if (m.role === "assistant") {
    const text = joinText(m.parts, "");
    const calls = m.parts.filter((p): p is ToolCallPart => p.type === "tool_call");
    if (calls.length === 0) {
      w.out.push({ role: "assistant", content: text });
      return;
    }
    calls.forEach((c, i) => {
      const msg: GigaMessage = {
        role: "assistant",
        content: i === 0 ? text : "",
        function_call: { name: c.name, arguments: argsObject(c.arguments) },
      };
      if (STATE_ID.test(c.id)) msg.functions_state_id = c.id;
      w.out.push(msg);
      w.pushResult(c.id);
    });
    return;
  }
  for (const p of m.parts) {
    if (p.type === "tool_result") w.pushResult(p.toolCallId);
  }
  if (m.role === "user") {
    const text = joinText(m.parts);
    if (text || !m.parts.some((p) => p.type === "tool_result")) w.pushUser(text);
  }
}

function functionCall(req: CoreRequest): unknown {
  const choice = req.toolChoice;
  if (!choice || choice.type === "auto") return undefined;
  if (choice.type === "none") return "none";
  if (choice.type === "tool") return { name: choice.name };
  // GigaChat has no "call some function": forcing the only tool is the same thing.
  const only = req.tools.length === 1 ? req.tools[0] : undefined;
  if (only) return { name: only.name };
  throw unsupportedFeature('tool_choice "required" with more than one tool', NAME, "tool_choice");
}

function encodeRequest(
  req: CoreRequest,
  ctx: { upstreamModel: string; maxTokens: number | null; dropped: string[] },
): Record<string, unknown> {
  refuseImages(req, NAME);
  if (req.responseFormat && req.responseFormat.type !== "text")
    throw unsupportedFeature(`response_format "${req.responseFormat.type}"`, NAME, "response_format");
  const body: Record<string, unknown> = {
    model: ctx.upstreamModel,
    messages: encodeMessages(req),
    stream: req.stream,
  };
  if (ctx.maxTokens !== null) body.max_tokens = ctx.maxTokens;
  // GigaChat documents temperature as > 0; the deterministic equivalent of 0 is top_p 0.
  if (req.temperature !== undefined) {
    if (req.temperature > 0) body.temperature = req.temperature;
    else body.top_p = 0;
  }
  if (req.topP !== undefined && body.top_p === undefined) body.top_p = req.topP;
  if (req.tools.length > 0) {
    body.functions = req.tools.map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: t.parameters,
    }));
    const fc = functionCall(req);
    if (fc !== undefined) body.function_call = fc;
  } else if (req.toolChoice && req.toolChoice.type !== "auto" && req.toolChoice.type !== "none") {
    throw unsupportedFeature("tool_choice without tools", NAME, "tool_choice");
  }
  if (req.topK !== undefined) drop(ctx.dropped, "top_k");
  if (req.stop.length > 0) drop(ctx.dropped, "stop");
  if (req.seed !== undefined) drop(ctx.dropped, "seed");
  if (req.reasoning) drop(ctx.dropped, "reasoning");
  if (req.user !== undefined) drop(ctx.dropped, "user");
  if (req.parallelToolCalls !== undefined) drop(ctx.dropped, "parallel_tool_calls");
  dropHints(req, ctx.dropped);
  return body;
}

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

function decodeResponse(body: Record<string, unknown>): CoreResponse {
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

/** An error object GigaChat may put in a stream ({status, message}). */
function gigachatStreamError(o: Record<string, unknown>): GatewayError | null {
  if (Array.isArray(o.choices)) return null;
  const msg = typeof o.message === "string" ? o.message : null;
  if (msg === null && o.status === undefined) return null;
  return streamedError(msg, { fallback: "GigaChat reported an error in the stream." });
}

type StreamState = { started: boolean; stopped: boolean; calls: number };

/** One SSE event of a GigaChat stream to canonical events, over explicit state. */
export function gigachatStreamStep(ev: SseEvent, st: StreamState): CoreStreamEvent[] {
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

export const gigachatCodec: ProviderDialectCodec = {
  dialect: "gigachat",
  encodeRequest,
  decodeResponse,
  streamDecoder: () =>
    statefulDecoder<StreamState>({ started: false, stopped: false, calls: 0 }, gigachatStreamStep),
};
