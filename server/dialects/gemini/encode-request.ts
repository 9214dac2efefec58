import { unsupportedFeature } from "../../core/features.ts";
import type { JsonBody } from "../../core/json-body.ts";
import type { CoreMessage, CoreRequest, ImagePart, ToolResultPart } from "../../core/request.ts";
import { drop, type EncodeContext, type ForwardContext } from "../../core/translate.ts";
import { argsObject, type Json, lookup, obj, parseObject } from "../../core/wire-json.ts";
import { SKIP_SIGNATURE, signatureOf } from "./tool-ids.ts";

const MIME_BY_EXT: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
};

function imagePart(p: ImagePart): Json {
  if (p.source.kind === "base64")
    return { inlineData: { mimeType: p.source.mediaType, data: p.source.data } };
  const ext = /\.([a-z0-9]+)(?:\?|#|$)/i.exec(p.source.url)?.[1]?.toLowerCase() ?? "";
  return { fileData: { mimeType: lookup(MIME_BY_EXT, ext) ?? "image/jpeg", fileUri: p.source.url } };
}

/** A tool result as Gemini's functionResponse: a JSON object answer as is, other text wrapped. */
function responsePart(r: ToolResultPart, names: Map<string, string>): Json[] {
  const text = r.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
  const parsed = parseObject(text);
  const response = parsed ?? (r.isError ? { error: text } : { output: text });
  const out: Json[] = [{ functionResponse: { name: names.get(r.toolCallId) ?? "", response } }];
  for (const c of r.content) if (c.type === "image") out.push(imagePart(c));
  return out;
}

function modelParts(
  m: Extract<CoreMessage, { role: "assistant" }>,
  gemini3: boolean,
  dropped: string[],
): Json[] {
  const out: Json[] = [];
  let firstCall = true;
  for (const p of m.parts) {
    if (p.type === "text") {
      if (p.text !== "") out.push({ text: p.text });
    } else if (p.type === "tool_call") {
      const part: Json = { functionCall: { name: p.name, args: argsObject(p.arguments) } };
      // Gemini 3 refuses a replayed call turn whose first call lost its signature.
      const signature = signatureOf(p.id) ?? (gemini3 && firstCall ? SKIP_SIGNATURE : undefined);
      if (signature) part.thoughtSignature = signature;
      firstCall = false;
      out.push(part);
    } else if (p.type === "image") out.push(imagePart(p));
    else drop(dropped, "thinking");
  }
  return out;
}

function contents(req: CoreRequest, gemini3: boolean, dropped: string[]): Json[] {
  const names = new Map<string, string>();
  for (const m of req.messages)
    if (m.role === "assistant") for (const p of m.parts) if (p.type === "tool_call") names.set(p.id, p.name);
  const out: { role: string; parts: Json[] }[] = [];
  const push = (role: string, parts: Json[]) => {
    if (parts.length === 0) return;
    const last = out[out.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  };
  for (const m of req.messages) {
    if (m.role === "assistant") push("model", modelParts(m, gemini3, dropped));
    else if (m.role === "tool")
      push(
        "user",
        m.parts.flatMap((r) => responsePart(r, names)),
      );
    else {
      const results = m.parts.flatMap((p) => (p.type === "tool_result" ? responsePart(p, names) : []));
      const rest = m.parts.flatMap((p) =>
        p.type === "text"
          ? p.text === ""
            ? []
            : [{ text: p.text }]
          : p.type === "image"
            ? [imagePart(p)]
            : [],
      );
      push("user", [...results, ...rest]);
    }
  }
  return out;
}

const EFFORT_BUDGET = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const;

/**
 * A Gemini client's own body for a Gemini upstream, with the cap reserved for as its only
 * output limit (bounds.ts merged the spellings); the model and streaming are in the URL.
 */
export function forwardGenerateRequest(inbound: JsonBody, ctx: ForwardContext): JsonBody {
  const g = obj(inbound.get("generationConfig")) ?? obj(inbound.get("generation_config")) ?? {};
  const { max_output_tokens: _, ...config } = g;
  return inbound.with({
    generation_config: undefined,
    generationConfig: { ...config, maxOutputTokens: ctx.maxTokens },
  });
}

/** Canonical request -> Gemini generateContent body (the model id goes in the URL). */
export function encodeGenerateRequest(req: CoreRequest, ctx: EncodeContext): Json {
  const gemini3 = /gemini-[3-9]/i.test(ctx.upstreamModel);
  const body: Json = { contents: contents(req, gemini3, ctx.dropped) };
  if (req.system.length > 0)
    body.systemInstruction = { parts: [{ text: req.system.map((p) => p.text).join("\n\n") }] };
  if (req.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.name,
          ...(t.description !== undefined ? { description: t.description } : {}),
          // Full JSON Schema (parameters takes only an OpenAPI subset).
          parametersJsonSchema: { type: "object", ...t.parameters },
        })),
      },
    ];
    const c = req.toolChoice;
    if (c) {
      const mode = c.type === "required" || c.type === "tool" ? "ANY" : c.type === "none" ? "NONE" : "AUTO";
      body.toolConfig = {
        functionCallingConfig: { mode, ...(c.type === "tool" ? { allowedFunctionNames: [c.name] } : {}) },
      };
    }
    if (req.parallelToolCalls !== undefined) drop(ctx.dropped, "parallel_tool_calls");
  }
  const g: Json = {};
  if (ctx.maxTokens !== null) g.maxOutputTokens = ctx.maxTokens;
  if (req.temperature !== undefined) g.temperature = req.temperature;
  if (req.topP !== undefined) g.topP = req.topP;
  if (req.topK !== undefined) g.topK = req.topK;
  if (req.stop.length > 0) g.stopSequences = req.stop;
  if (req.seed !== undefined) g.seed = req.seed;
  const f = req.responseFormat;
  if (f?.type === "json_object") g.responseMimeType = "application/json";
  if (f?.type === "json_schema") {
    g.responseMimeType = "application/json";
    g.responseJsonSchema = f.schema;
  }
  if (req.modalities?.includes("image")) g.responseModalities = req.modalities.map((m) => m.toUpperCase());
  if (req.imageConfig) {
    const ic: Json = {};
    if (req.imageConfig.aspectRatio) ic.aspectRatio = req.imageConfig.aspectRatio;
    if (req.imageConfig.imageSize) ic.imageSize = req.imageConfig.imageSize;
    g.imageConfig = ic;
  }
  if (req.reasoning) {
    // Thinking settings make a model without thinking refuse the call: mapped only for
    // models the catalog marks `capabilities.reasoning: true`.
    const budget =
      req.reasoning.budgetTokens ?? (req.reasoning.effort ? EFFORT_BUDGET[req.reasoning.effort] : undefined);
    if (ctx.capabilities.reasoning === true && budget !== undefined)
      g.thinkingConfig = { thinkingBudget: budget, includeThoughts: true };
    else drop(ctx.dropped, "reasoning");
  }
  if (Object.keys(g).length > 0) body.generationConfig = g;
  if (req.user !== undefined) drop(ctx.dropped, "user");
  for (const h of req.hints) drop(ctx.dropped, h);
  if (req.messages.length === 0) throw unsupportedFeature("a request without messages", "a Gemini upstream");
  return body;
}
