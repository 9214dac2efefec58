import type { CoreMessage, CoreRequest, ToolCallPart } from "../../core/request.ts";
import type { CoreResponse, StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import { drop, type ProviderDialectCodec, statefulDecoder } from "../../core/translate.ts";
import type { Usage } from "../../core/usage.ts";
import { argsObject, lookup, parseObject } from "../../core/wire-json.ts";
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
 * Yandex Foundation Models text generation (POST /foundationModels/v1/completion), per the
 * REST reference (yandex-cloud/docs, TextGeneration/completion) and cloudapi's
 * text_common.proto:
 * - body {modelUri, completionOptions {stream, temperature 0..1, maxTokens (int64 as
 *   text), reasoningOptions}, messages [{role, text | toolCallList | toolResultList}],
 *   tools [{function {name, description, parameters, strict}}], jsonObject | jsonSchema,
 *   parallelToolCalls, toolChoice {mode | functionName}};
 * - tool results go back in an assistant message's toolResultList (as the function-call
 *   guide shows), arguments are JSON objects, calls carry no ids;
 * - the answer is {result: {alternatives [{message, status}], usage {inputTextTokens,
 *   completionTokens, totalTokens} (int64 as text), modelVersion}};
 * - streaming is newline-delimited JSON of the same shape, each line carrying the whole
 *   text so far (not a delta) with status PARTIAL until a final status. The provider turns
 *   each line into one event whose `data` is the line.
 */

const NAME = "YandexGPT";

type YaMessage =
  | { role: string; text: string }
  | {
      role: "assistant";
      toolCallList: { toolCalls: { functionCall: { name: string; arguments: unknown } }[] };
    }
  | {
      role: "assistant";
      toolResultList: { toolResults: { functionResult: { name: string; content: string } }[] };
    };

function encodeMessages(req: CoreRequest): YaMessage[] {
  const out: YaMessage[] = [];
  const system = joinText(req.system, "\n\n");
  if (system) out.push({ role: "system", text: system });
  const names = toolNamesById(req.messages);
  const pushResults = (m: CoreMessage) => {
    const results = m.parts
      .filter((p) => p.type === "tool_result")
      .map((p) => ({
        functionResult: { name: names.get(p.toolCallId) ?? "function", content: toolResultText(p, NAME) },
      }));
    if (results.length === 0) return;
    const last = out[out.length - 1];
    if (last && "toolResultList" in last) last.toolResultList.toolResults.push(...results);
    else out.push({ role: "assistant", toolResultList: { toolResults: results } });
  };

  for (const m of req.messages) {
    if (m.role === "assistant") {
      const text = joinText(m.parts, "");
      const calls = m.parts.filter((p): p is ToolCallPart => p.type === "tool_call");
      // A message holds text or tool calls, never both: the text goes first, on its own.
      if (text || calls.length === 0) out.push({ role: "assistant", text });
      if (calls.length > 0)
        out.push({
          role: "assistant",
          toolCallList: {
            toolCalls: calls.map((c) => ({
              functionCall: { name: c.name, arguments: argsObject(c.arguments) },
            })),
          },
        });
      continue;
    }
    pushResults(m);
    if (m.role === "user") {
      const text = joinText(m.parts);
      if (text || !m.parts.some((p) => p.type === "tool_result")) out.push({ role: "user", text });
    }
  }
  return out;
}

function encodeRequest(
  req: CoreRequest,
  ctx: { upstreamModel: string; maxTokens: number | null; dropped: string[] },
): Record<string, unknown> {
  refuseImages(req, NAME);
  const options: Record<string, unknown> = { stream: req.stream };
  // YandexGPT takes temperature in [0, 1]; OpenAI's [0, 2] is clamped, not rescaled, so
  // the common values (0 to 1) keep their meaning.
  if (req.temperature !== undefined) options.temperature = Math.min(1, req.temperature);
  if (ctx.maxTokens !== null) options.maxTokens = String(ctx.maxTokens);
  if (req.reasoning) {
    const off = req.reasoning.effort === "minimal" || req.reasoning.budgetTokens === 0;
    options.reasoningOptions = { mode: off ? "DISABLED" : "ENABLED_HIDDEN" };
  }
  const body: Record<string, unknown> = {
    modelUri: ctx.upstreamModel,
    completionOptions: options,
    messages: encodeMessages(req),
  };
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.parameters,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
  }
  const choice = req.toolChoice;
  if (choice?.type === "none") body.toolChoice = { mode: "NONE" };
  else if (choice?.type === "required") body.toolChoice = { mode: "REQUIRED" };
  else if (choice?.type === "tool") body.toolChoice = { functionName: choice.name };
  if (req.parallelToolCalls !== undefined) body.parallelToolCalls = req.parallelToolCalls;
  const fmt = req.responseFormat;
  if (fmt?.type === "json_object") body.jsonObject = true;
  else if (fmt?.type === "json_schema") body.jsonSchema = { schema: fmt.schema };
  if (req.topP !== undefined) drop(ctx.dropped, "top_p");
  if (req.topK !== undefined) drop(ctx.dropped, "top_k");
  if (req.stop.length > 0) drop(ctx.dropped, "stop");
  if (req.seed !== undefined) drop(ctx.dropped, "seed");
  if (req.user !== undefined) drop(ctx.dropped, "user");
  dropHints(req, ctx.dropped);
  return body;
}

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

function decodeResponse(body: Record<string, unknown>): CoreResponse {
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

function yandexStreamError(body: Record<string, unknown>): GatewayError | null {
  const e = body.error;
  if (!e || typeof e !== "object") return null;
  const msg = (e as Record<string, unknown>).message;
  return streamedError(typeof msg === "string" ? msg : null, {
    fallback: "YandexGPT reported an error in the stream.",
  });
}

type StreamState = { started: boolean; sent: string; finished: boolean };

/**
 * One line of a Yandex stream to canonical events, over explicit state: whole-text-so-far
 * lines become deltas; tool calls arrive whole, with a final status.
 */
export function yandexStreamStep(ev: SseEvent, st: StreamState): CoreStreamEvent[] {
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

export const yandexCodec: ProviderDialectCodec = {
  dialect: "yandex",
  encodeRequest,
  decodeResponse,
  streamDecoder: () =>
    statefulDecoder<StreamState>({ started: false, sent: "", finished: false }, yandexStreamStep),
};
