import { unsupportedFeature } from "../../core/features.ts";
import type { JsonBody } from "../../core/json-body.ts";
import type { CoreMessage, CoreRequest, ImagePart, TextPart, ToolResultPart } from "../../core/request.ts";
import { drop, type EncodeContext, type ForwardContext } from "../../core/translate.ts";
import { argsObject, type Json } from "../../core/wire-json.ts";

const TARGET = "an Anthropic upstream";

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; the same mapping applies to uses and results. */
export const anthropicToolId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 200) || "toolu";

const imageBlock = (p: ImagePart): Json => ({
  type: "image",
  source:
    p.source.kind === "url"
      ? { type: "url", url: p.source.url }
      : { type: "base64", media_type: p.source.mediaType, data: p.source.data },
});

const textBlocks = (parts: TextPart[]): Json[] =>
  parts.filter((p) => p.text !== "").map((p) => ({ type: "text", text: p.text }));

function resultBlock(r: ToolResultPart): Json {
  const content = r.content.flatMap((c) =>
    c.type === "text" ? (c.text === "" ? [] : [{ type: "text", text: c.text }]) : [imageBlock(c)],
  );
  const b: Json = { type: "tool_result", tool_use_id: anthropicToolId(r.toolCallId), content };
  if (r.isError) b.is_error = true;
  return b;
}

function assistantBlocks(m: Extract<CoreMessage, { role: "assistant" }>, dropped: string[]): Json[] {
  const out: Json[] = [];
  for (const p of m.parts) {
    switch (p.type) {
      case "thinking":
        // Only signed thinking can go back to Anthropic; unsigned reasoning from another vendor cannot.
        if (p.signature) out.push({ type: "thinking", thinking: p.text, signature: p.signature });
        else drop(dropped, "thinking");
        break;
      case "text":
        if (p.text !== "") out.push({ type: "text", text: p.text });
        break;
      case "tool_call":
        out.push({
          type: "tool_use",
          id: anthropicToolId(p.id),
          name: p.name,
          input: argsObject(p.arguments),
        });
        break;
      case "image":
        drop(dropped, "assistant_images");
        break;
    }
  }
  return out;
}

/** Canonical messages -> alternating Anthropic turns; tool results open the next user turn. */
function messages(req: CoreRequest, dropped: string[]): Json[] {
  const out: { role: string; content: Json[] }[] = [];
  const push = (role: string, blocks: Json[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of req.messages) {
    if (m.role === "assistant") push("assistant", assistantBlocks(m, dropped));
    else if (m.role === "tool") push("user", m.parts.map(resultBlock));
    else {
      const results = m.parts.flatMap((p) => (p.type === "tool_result" ? [resultBlock(p)] : []));
      const rest = m.parts.flatMap((p) =>
        p.type === "text"
          ? p.text === ""
            ? []
            : [{ type: "text", text: p.text }]
          : p.type === "image"
            ? [imageBlock(p)]
            : [],
      );
      push("user", [...results, ...rest]);
    }
  }
  return out;
}

const EFFORT_BUDGET = { minimal: 1024, low: 2048, medium: 8192, high: 16384 } as const;

/**
 * Extended thinking when the client asked for reasoning, the catalog marks the model
 * `capabilities.reasoning: true`, and Anthropic's rules allow it:
 * a budget of at least 1024 below max_tokens, no forced tool, and (in a tool loop) the
 * last assistant turn must begin with signed thinking.
 */
function thinking(req: CoreRequest, ctx: EncodeContext, maxTokens: number, body: Json): void {
  const r = req.reasoning;
  if (!r) return;
  const dropped = ctx.dropped;
  const budget = r.budgetTokens ?? (r.effort ? EFFORT_BUDGET[r.effort] : undefined);
  const lastAssistant = [...req.messages].reverse().find((m) => m.role === "assistant");
  const loopUnsigned =
    lastAssistant?.parts.some((p) => p.type === "tool_call") &&
    !lastAssistant.parts.some((p) => p.type === "thinking" && p.signature);
  const forced = req.toolChoice?.type === "required" || req.toolChoice?.type === "tool";
  const capable = ctx.capabilities.reasoning === true;
  if (!capable || budget === undefined || budget < 1024 || budget >= maxTokens || forced || loopUnsigned) {
    drop(dropped, "reasoning");
    return;
  }
  body.thinking = { type: "enabled", budget_tokens: budget };
  // Anthropic refuses sampling settings alongside thinking.
  for (const k of ["temperature", "top_p", "top_k"]) if (k in body) drop(dropped, k);
  delete body.temperature;
  delete body.top_p;
  delete body.top_k;
}

/** A Messages client's own body for an Anthropic upstream: its model id, streaming, the cap reserved for. */
export function forwardMessagesRequest(inbound: JsonBody, ctx: ForwardContext): JsonBody {
  return inbound.with({
    model: ctx.upstreamModel,
    ...(ctx.stream ? { stream: true } : {}),
    max_tokens: ctx.maxTokens,
  });
}

/** Canonical request -> Anthropic Messages body. */
export function encodeMessagesRequest(req: CoreRequest, ctx: EncodeContext): Json {
  if (req.modalities?.includes("image")) throw unsupportedFeature("image output", TARGET, "modalities");
  const maxTokens = ctx.maxTokens ?? ctx.outputLimit;
  const body: Json = {
    model: ctx.upstreamModel,
    max_tokens: maxTokens,
    messages: messages(req, ctx.dropped),
  };
  const system = textBlocks(req.system);
  if (system.length > 0) body.system = system;
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      input_schema: { type: "object", ...t.parameters },
    }));
    const c = req.toolChoice;
    const choice: Json = { type: c?.type === "required" ? "any" : (c?.type ?? "auto") };
    if (c?.type === "tool") choice.name = c.name;
    if (req.parallelToolCalls === false && choice.type !== "none") choice.disable_parallel_tool_use = true;
    if (c || req.parallelToolCalls === false) body.tool_choice = choice;
  }
  // Anthropic's temperature range is 0..1 (OpenAI's 0..2).
  if (req.temperature !== undefined) body.temperature = Math.min(req.temperature, 1);
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) body.top_k = req.topK;
  if (req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.seed !== undefined) drop(ctx.dropped, "seed");
  const f = req.responseFormat;
  if (f?.type === "json_schema") body.output_config = { format: { type: "json_schema", schema: f.schema } };
  // JSON mode without a schema has no Anthropic equivalent; the prompt must ask for JSON anyway (OpenAI requires it).
  if (f?.type === "json_object") drop(ctx.dropped, "response_format");
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  thinking(req, ctx, maxTokens, body);
  if (req.imageConfig) drop(ctx.dropped, "image_config");
  for (const h of req.hints) drop(ctx.dropped, h);
  if (req.stream) body.stream = true;
  return body;
}
