import type { CoreMessage, CoreRequest, ToolCallPart } from "../../core/request.ts";
import { drop } from "../../core/translate.ts";
import { argsObject } from "../../core/wire-json.ts";
import { dropHints, joinText, refuseImages, toolNamesById, toolResultText } from "../text-only-parts.ts";

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

/** Canonical request -> Yandex completion body (`modelUri` is the route's model URI). */
export function encodeYandexRequest(
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
