import { unsupportedFeature } from "../../core/features.ts";
import type { CoreMessage, CoreRequest, ToolCallPart } from "../../core/request.ts";
import { drop } from "../../core/translate.ts";
import { argsObject } from "../../core/wire-json.ts";
import { dropHints, joinText, refuseImages, toolNamesById, toolResultText } from "../text-only-parts.ts";

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

/** Canonical request -> GigaChat chat completions body. */
export function encodeGigaChatRequest(
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
