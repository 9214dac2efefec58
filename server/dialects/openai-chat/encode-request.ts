import { imageToUrl } from "../../core/images.ts";
import type { JsonBody } from "../../core/json-body.ts";
import type {
  CoreMessage,
  CoreRequest,
  CoreToolChoice,
  ImagePart,
  ToolResultPart,
} from "../../core/request.ts";
import { drop, type EncodeContext, type ForwardContext } from "../../core/translate.ts";
import { type Json, obj } from "../../core/wire-json.ts";
import { CHAT_CAPS } from "./bounds.ts";

/** A reasoning token budget as the nearest OpenAI effort. */
export function effortOf(r: NonNullable<CoreRequest["reasoning"]>): string | undefined {
  if (r.effort) return r.effort;
  if (r.budgetTokens === undefined) return undefined;
  if (r.budgetTokens <= 1024) return "low";
  return r.budgetTokens <= 8192 ? "medium" : "high";
}

const imagePart = (p: ImagePart): Json => ({
  type: "image_url",
  image_url: p.detail ? { url: imageToUrl(p.source), detail: p.detail } : { url: imageToUrl(p.source) },
});

function toolMessages(results: ToolResultPart[]): Json[] {
  const out: Json[] = [];
  const images: ImagePart[] = [];
  for (const r of results) {
    const text = r.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
    images.push(...r.content.flatMap((c) => (c.type === "image" ? [c] : [])));
    out.push({ role: "tool", tool_call_id: r.toolCallId, content: r.isError ? `Error: ${text}` : text });
  }
  // Chat tool messages carry text only: images a tool returned follow as a user message.
  if (images.length > 0) out.push({ role: "user", content: images.map(imagePart) });
  return out;
}

function messages(m: CoreMessage, dropped: string[]): Json[] {
  if (m.role === "tool") return toolMessages(m.parts);
  if (m.role === "user") {
    const results = m.parts.flatMap((p) => (p.type === "tool_result" ? [p] : []));
    const rest = m.parts.filter((p) => p.type !== "tool_result");
    const out = toolMessages(results);
    if (rest.length === 0) return out;
    const content =
      rest.length === 1 && rest[0]?.type === "text"
        ? rest[0].text
        : rest.map((p) => (p.type === "text" ? { type: "text", text: p.text } : imagePart(p as ImagePart)));
    out.push({ role: "user", content });
    return out;
  }
  if (m.parts.some((p) => p.type === "thinking")) drop(dropped, "thinking");
  if (m.parts.some((p) => p.type === "image")) drop(dropped, "assistant_images");
  const text = m.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  const calls = m.parts.flatMap((p) =>
    p.type === "tool_call"
      ? [{ id: p.id, type: "function", function: { name: p.name, arguments: p.arguments || "{}" } }]
      : [],
  );
  const msg: Json = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  if (calls.length > 0) msg.tool_calls = calls;
  return [msg];
}

function toolChoice(c: CoreToolChoice): unknown {
  return c.type === "tool" ? { type: "function", function: { name: c.name } } : c.type;
}

/**
 * A chat client's own body for an OpenAI-compatible upstream: its model id, usage always
 * asked on streams (the gateway needs it; the tap hides it from a client that did not
 * ask), and the cap reserved for in the one field the client spelled it in.
 */
export function forwardChatRequest(inbound: JsonBody, ctx: ForwardContext): JsonBody {
  const field = inbound.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
  const changes: Json = { model: ctx.upstreamModel, ...capIn(field, ctx.maxTokens) };
  if (ctx.stream) {
    changes.stream = true;
    changes.stream_options = { ...obj(inbound.get("stream_options")), include_usage: true };
  }
  return inbound.with(changes);
}

/** The output cap in one of its spellings, the other removed (as changes to a body). */
export function capIn(field: (typeof CHAT_CAPS)[number], maxTokens: number): Json {
  const changes: Json = {};
  for (const f of CHAT_CAPS) changes[f] = undefined;
  changes[field] = maxTokens;
  return changes;
}

/** Canonical request -> OpenAI chat completions body. */
export function encodeChatRequest(req: CoreRequest, ctx: EncodeContext): Json {
  const body: Json = { model: ctx.upstreamModel, messages: [] as Json[] };
  const msgs = body.messages as Json[];
  if (req.system.length > 0)
    msgs.push({ role: "system", content: req.system.map((p) => p.text).join("\n\n") });
  for (const m of req.messages) msgs.push(...messages(m, ctx.dropped));
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
    if (req.toolChoice) body.tool_choice = toolChoice(req.toolChoice);
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  } else if (req.toolChoice?.type === "none") body.tool_choice = "none";
  if (ctx.maxTokens !== null) body.max_tokens = ctx.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) drop(ctx.dropped, "top_k");
  if (req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  const f = req.responseFormat;
  if (f?.type === "json_object") body.response_format = { type: "json_object" };
  if (f?.type === "json_schema")
    body.response_format = {
      type: "json_schema",
      json_schema: {
        name: f.name,
        schema: f.schema,
        ...(f.strict !== undefined ? { strict: f.strict } : {}),
      },
    };
  if (req.reasoning) {
    // reasoning_effort makes a model without reasoning refuse the call: mapped only for
    // models the catalog marks `capabilities.reasoning: true`.
    const effort = effortOf(req.reasoning);
    if (effort && ctx.capabilities.reasoning === true) body.reasoning_effort = effort;
    else drop(ctx.dropped, "reasoning");
  }
  if (req.modalities) body.modalities = req.modalities;
  if (req.imageConfig)
    body.image_config = {
      ...(req.imageConfig.aspectRatio ? { aspect_ratio: req.imageConfig.aspectRatio } : {}),
      ...(req.imageConfig.imageSize ? { image_size: req.imageConfig.imageSize } : {}),
    };
  if (req.user !== undefined) body.user = req.user;
  for (const h of req.hints) drop(ctx.dropped, h);
  if (req.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}
