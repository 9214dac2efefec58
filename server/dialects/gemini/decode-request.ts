import { unsupportedFeature } from "../../core/features.ts";
import type {
  CoreMessage,
  CoreRequest,
  CoreTool,
  CoreToolChoice,
  ImagePart,
  TextPart,
  ToolResultPart,
} from "../../core/request.ts";
import { arr, type Json, lookup, num, obj, objs, str } from "../../core/wire-json.ts";
import { field } from "./fields.ts";
import type { GenerateRequest } from "./schema.ts";

const TARGET = "a translated (non-Gemini) upstream";

/** Top-level fields the canonical request carries; any other (safetySettings, labels...) is a hint. */
const MAPPED = new Set(["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "model"]);

/** Gemini's OpenAPI-style schemas spell types in capitals (OBJECT, STRING); JSON Schema wants lower case. */
export function jsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(jsonSchema);
  const o = obj(s);
  if (!o) return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "type" && typeof v === "string") out[k] = v.toLowerCase();
    else if (k === "properties" && obj(v))
      out[k] = Object.fromEntries(Object.entries(obj(v) ?? {}).map(([name, sub]) => [name, jsonSchema(sub)]));
    else if (k === "propertyOrdering") continue;
    else out[k] = typeof v === "object" ? jsonSchema(v) : v;
  }
  return out;
}

function media(p: Json, where: string): ImagePart {
  const inline = obj(field(p, "inlineData"));
  if (inline) {
    const mediaType = str(field(inline, "mimeType")) ?? "";
    if (!mediaType.startsWith("image/"))
      throw unsupportedFeature(`${mediaType || "non-image"} input`, TARGET, where);
    return { type: "image", source: { kind: "base64", mediaType, data: str(inline.data) ?? "" } };
  }
  const file = obj(field(p, "fileData")) ?? {};
  const mediaType = str(field(file, "mimeType")) ?? "";
  const uri = str(field(file, "fileUri")) ?? "";
  if (!/^https?:\/\//.test(uri) || (mediaType && !mediaType.startsWith("image/")))
    throw unsupportedFeature("file references other than image URLs", TARGET, where);
  return { type: "image", source: { kind: "url", url: uri } };
}

/** Function calls carry no ids in Gemini: ids are made up and responses matched by name, in order. */
class CallIds {
  private n = 0;
  private readonly pending = new Map<string, string[]>();

  call(name: string, id: string | undefined): string {
    const callId = id ?? `call_${name}_${this.n++}`;
    this.pending.set(name, [...(this.pending.get(name) ?? []), callId]);
    return callId;
  }

  response(name: string, id: string | undefined): string {
    const queue = this.pending.get(name) ?? [];
    if (id) {
      const i = queue.indexOf(id);
      if (i !== -1) queue.splice(i, 1);
      return id;
    }
    return queue.shift() ?? `call_${name}_${this.n++}`;
  }
}

function messages(req: GenerateRequest, hints: Set<string>): CoreMessage[] {
  const ids = new CallIds();
  const out: CoreMessage[] = [];
  (req.contents ?? []).forEach((c, i) => {
    const where = `contents[${i}].parts`;
    const parts = objs(c.parts);
    if (c.role === "model") {
      const mp: Extract<CoreMessage, { role: "assistant" }>["parts"] = [];
      for (const p of parts) {
        const fc = obj(field(p, "functionCall"));
        if (fc) {
          const name = str(fc.name) ?? "";
          mp.push({
            type: "tool_call",
            id: ids.call(name, str(fc.id)),
            name,
            arguments: JSON.stringify(fc.args ?? {}),
          });
        } else if (typeof p.text === "string")
          mp.push(p.thought === true ? { type: "thinking", text: p.text } : { type: "text", text: p.text });
        else if (field(p, "inlineData") || field(p, "fileData")) mp.push(media(p, where));
        else for (const k of Object.keys(p)) hints.add(`parts.${k}`);
      }
      out.push({ role: "assistant", parts: mp });
      return;
    }
    const up: (TextPart | ImagePart | ToolResultPart)[] = [];
    for (const p of parts) {
      const fr = obj(field(p, "functionResponse"));
      if (fr) {
        const name = str(fr.name) ?? "";
        const response = fr.response;
        const text = typeof response === "string" ? response : JSON.stringify(response ?? {});
        up.push({
          type: "tool_result",
          toolCallId: ids.response(name, str(fr.id)),
          content: [{ type: "text", text }],
        });
      } else if (typeof p.text === "string") {
        if (p.thought !== true) up.push({ type: "text", text: p.text });
      } else if (field(p, "inlineData") || field(p, "fileData")) up.push(media(p, where));
      else for (const k of Object.keys(p)) hints.add(`parts.${k}`);
    }
    out.push({ role: "user", parts: up });
  });
  return out;
}

function tools(req: GenerateRequest, hints: Set<string>): CoreTool[] {
  const out: CoreTool[] = [];
  for (const t of objs(req.tools)) {
    for (const k of Object.keys(t))
      if (k !== "functionDeclarations" && k !== "function_declarations") hints.add(`tools[${k}]`);
    for (const d of objs(field(t, "functionDeclarations"))) {
      const params = obj(field(d, "parametersJsonSchema")) ?? obj(jsonSchema(d.parameters));
      out.push({
        name: str(d.name) ?? "",
        ...(typeof d.description === "string" ? { description: d.description } : {}),
        parameters: params ?? { type: "object", properties: {} },
      });
    }
  }
  return out;
}

function toolChoice(config: Json | undefined): CoreToolChoice | undefined {
  const fc = obj(field(config, "functionCallingConfig"));
  const mode = str(fc?.mode);
  const allowed = arr(field(fc, "allowedFunctionNames")).filter((n): n is string => typeof n === "string");
  if (mode === "ANY")
    return allowed.length === 1 && allowed[0] ? { type: "tool", name: allowed[0] } : { type: "required" };
  if (mode === "NONE") return { type: "none" };
  if (mode === "AUTO" || mode === "VALIDATED") return { type: "auto" };
  return undefined;
}

const LEVELS: Record<string, NonNullable<CoreRequest["reasoning"]>["effort"]> = {
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
};

function generation(g: Json, core: CoreRequest, hints: Set<string>): void {
  const known = new Set([
    "temperature",
    "topP",
    "topK",
    "maxOutputTokens",
    "stopSequences",
    "seed",
    "candidateCount",
    "responseMimeType",
    "responseSchema",
    "responseJsonSchema",
    "responseModalities",
    "imageConfig",
    "thinkingConfig",
  ]);
  for (const k of Object.keys(g)) {
    const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!known.has(camel)) hints.add(`generationConfig.${camel}`);
  }
  if ((num(field(g, "candidateCount")) ?? 1) > 1)
    throw unsupportedFeature(
      "several candidates (candidateCount > 1)",
      TARGET,
      "generationConfig.candidateCount",
    );
  const t = num(g.temperature);
  if (t !== undefined) core.temperature = t;
  const p = num(field(g, "topP"));
  if (p !== undefined) core.topP = p;
  const k = num(field(g, "topK"));
  if (k !== undefined) core.topK = k;
  const max = num(field(g, "maxOutputTokens"));
  if (max !== undefined) core.maxTokens = max;
  core.stop = arr(field(g, "stopSequences")).filter((s): s is string => typeof s === "string");
  const seed = num(g.seed);
  if (seed !== undefined) core.seed = seed;
  const schema = obj(field(g, "responseJsonSchema")) ?? obj(jsonSchema(field(g, "responseSchema")));
  if (field(g, "responseMimeType") === "application/json")
    core.responseFormat = schema
      ? { type: "json_schema", name: "response", schema }
      : { type: "json_object" };
  const modalities = arr(field(g, "responseModalities")).map((m) => String(m).toLowerCase());
  if (modalities.includes("audio"))
    throw unsupportedFeature("audio output", TARGET, "generationConfig.responseModalities");
  if (modalities.includes("image"))
    core.modalities = modalities.filter((m): m is "text" | "image" => m === "text" || m === "image");
  const ic = obj(field(g, "imageConfig"));
  if (ic) {
    core.imageConfig = {};
    const ar = str(field(ic, "aspectRatio"));
    const size = str(field(ic, "imageSize"));
    if (ar) core.imageConfig.aspectRatio = ar;
    if (size) core.imageConfig.imageSize = size;
  }
  const tc = obj(field(g, "thinkingConfig"));
  if (tc) {
    const budget = num(field(tc, "thinkingBudget"));
    const level = lookup(LEVELS, String(field(tc, "thinkingLevel") ?? "").toLowerCase());
    if (budget !== undefined && budget > 0) core.reasoning = { budgetTokens: budget };
    else if (level) core.reasoning = { effort: level };
  }
}

/** A Gemini generateContent request in canonical form; the model comes from the URL. */
export function decodeGenerateRequest(
  req: GenerateRequest & { model?: string; stream?: boolean },
): CoreRequest {
  const raw = req as Json;
  if (field(raw, "cachedContent") !== undefined)
    throw unsupportedFeature("server-side cached content (cachedContent)", TARGET, "cachedContent");
  const hints = new Set<string>();
  for (const k of Object.keys(raw)) {
    const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!MAPPED.has(camel) && k !== "stream") hints.add(camel);
  }
  const sys = field(raw, "systemInstruction");
  const system: TextPart[] =
    typeof sys === "string"
      ? [{ type: "text", text: sys }]
      : objs(obj(sys)?.parts).flatMap((p) =>
          typeof p.text === "string" ? [{ type: "text" as const, text: p.text }] : [],
        );
  const core: CoreRequest = {
    model: req.model ?? "",
    system,
    messages: messages(req, hints),
    tools: tools(req, hints),
    maxTokens: null,
    stop: [],
    stream: req.stream === true,
    hints: [],
  };
  const choice = toolChoice(obj(field(raw, "toolConfig")));
  if (choice) core.toolChoice = choice;
  generation(obj(field(raw, "generationConfig")) ?? {}, core, hints);
  core.hints = [...hints];
  return core;
}
