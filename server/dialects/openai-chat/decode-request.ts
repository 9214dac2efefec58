import { unsupportedFeature } from "../../core/features.ts";
import { imageFromUrl } from "../../core/images.ts";
import type {
  CoreMessage,
  CoreRequest,
  CoreResponseFormat,
  CoreTool,
  CoreToolChoice,
  ImagePart,
  TextPart,
} from "../../core/request.ts";
import { type Json, num, obj, objs, str } from "../../core/wire-json.ts";
import { badRequest } from "../../errors.ts";
import type { ChatRequest } from "./schema.ts";

/** Fields of a chat request the canonical request carries; any other is a hint that may be dropped. */
const MAPPED = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "n",
  "temperature",
  "top_p",
  "top_k",
  "stop",
  "seed",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "modalities",
  "image_config",
  "user",
]);

const EFFORTS = new Set(["minimal", "low", "medium", "high"]);

function contentParts(content: unknown, where: string): (TextPart | ImagePart)[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const out: (TextPart | ImagePart)[] = [];
  for (const p of objs(content)) {
    if (p.type === "text") out.push({ type: "text", text: str(p.text) ?? "" });
    else if (p.type === "image_url") {
      const img = obj(p.image_url) ?? {};
      const detail = str(img.detail);
      out.push({
        type: "image",
        source: imageFromUrl(str(img.url) ?? ""),
        ...(detail === "low" || detail === "high" || detail === "auto" ? { detail } : {}),
      });
    } else if (p.type === "refusal") out.push({ type: "text", text: str(p.refusal) ?? "" });
    else throw unsupportedFeature(`'${String(p.type)}' content parts`, "this route's translation", where);
  }
  return out;
}

const textOf = (parts: (TextPart | ImagePart)[]) =>
  parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");

function messages(req: ChatRequest, system: TextPart[], hints: Set<string>): CoreMessage[] {
  const out: CoreMessage[] = [];
  req.messages.forEach((m, i) => {
    const where = `messages[${i}].content`;
    // OpenCode and OpenRouter-style clients mark messages and parts for prompt caching.
    if ("cache_control" in m || (Array.isArray(m.content) && m.content.some((p) => "cache_control" in p)))
      hints.add("cache_control");
    const parts = contentParts(m.content, where);
    switch (m.role) {
      case "system":
      case "developer":
        if (parts.length > 0) system.push({ type: "text", text: textOf(parts) });
        return;
      case "user":
        out.push({ role: "user", parts });
        return;
      case "assistant": {
        const calls = (m.tool_calls ?? []).map((c) => ({
          type: "tool_call" as const,
          id: c.id,
          name: c.function?.name ?? "",
          arguments: c.function?.arguments ?? "",
        }));
        const text = parts.flatMap((p) => (p.type === "text" ? [p] : []));
        out.push({ role: "assistant", parts: [...text, ...calls] });
        return;
      }
      case "tool": {
        const part = { type: "tool_result" as const, toolCallId: m.tool_call_id ?? "", content: parts };
        const last = out[out.length - 1];
        if (last?.role === "tool") last.parts.push(part);
        else out.push({ role: "tool", parts: [part] });
        return;
      }
      case "function":
        throw badRequest(
          "Legacy 'function' role messages cannot be translated; use tool messages.",
          `messages[${i}].role`,
          "unsupported_feature",
        );
    }
  });
  return out;
}

function tools(req: ChatRequest, hints: Set<string>): CoreTool[] {
  const out: CoreTool[] = [];
  for (const t of req.tools ?? []) {
    if (t.type !== "function" || !t.function) {
      hints.add(`tools[${t.type}]`);
      continue;
    }
    const fn = t.function as Json;
    out.push({
      name: t.function.name,
      ...(typeof fn.description === "string" ? { description: fn.description } : {}),
      parameters: obj(fn.parameters) ?? { type: "object", properties: {} },
      ...(typeof fn.strict === "boolean" ? { strict: fn.strict } : {}),
    });
  }
  return out;
}

function toolChoice(c: ChatRequest["tool_choice"]): CoreToolChoice | undefined {
  if (c === undefined) return undefined;
  if (c === "auto" || c === "none" || c === "required") return { type: c };
  const fn = obj((c as Json).function);
  const name = str(fn?.name);
  if (name) return { type: "tool", name };
  return undefined;
}

function responseFormat(f: ChatRequest["response_format"]): CoreResponseFormat | undefined {
  if (!f) return undefined;
  if (f.type !== "json_schema") return { type: f.type };
  const s = (f.json_schema ?? {}) as Json;
  return {
    type: "json_schema",
    name: str(s.name) ?? "response",
    schema: obj(s.schema) ?? {},
    ...(typeof s.strict === "boolean" ? { strict: s.strict } : {}),
  };
}

/** A chat completions request in canonical form (for a provider of another dialect). */
export function decodeChatRequest(req: ChatRequest): CoreRequest {
  if ((req.n ?? 1) > 1) throw unsupportedFeature("several choices (n > 1)", "a translated upstream", "n");
  const raw = req as Json;
  const hints = new Set(
    Object.keys(raw).filter((k) => !MAPPED.has(k) && raw[k] !== null && raw[k] !== undefined),
  );
  const system: TextPart[] = [];
  const msgs = messages(req, system, hints);
  const effort = str(raw.reasoning_effort);
  const imageConfig = obj(raw.image_config);
  const modalities = Array.isArray(raw.modalities)
    ? raw.modalities.filter((m): m is "text" | "image" => m === "text" || m === "image")
    : undefined;
  if (Array.isArray(raw.modalities) && raw.modalities.includes("audio"))
    throw unsupportedFeature("audio output", "a translated upstream", "modalities");
  const core: CoreRequest = {
    model: req.model,
    system,
    messages: msgs,
    tools: tools(req, hints),
    maxTokens: req.max_completion_tokens ?? req.max_tokens ?? null,
    stop: req.stop == null ? [] : typeof req.stop === "string" ? [req.stop] : req.stop,
    stream: req.stream === true,
    hints: [],
  };
  const choice = toolChoice(req.tool_choice);
  if (choice) core.toolChoice = choice;
  if (typeof raw.parallel_tool_calls === "boolean") core.parallelToolCalls = raw.parallel_tool_calls;
  if (req.temperature != null) core.temperature = req.temperature;
  if (req.top_p != null) core.topP = req.top_p;
  const topK = num(raw.top_k);
  if (topK !== undefined) core.topK = topK;
  if (req.seed != null) core.seed = req.seed;
  const format = responseFormat(req.response_format);
  if (format) core.responseFormat = format;
  if (effort && EFFORTS.has(effort))
    core.reasoning = { effort: effort as NonNullable<CoreRequest["reasoning"]>["effort"] };
  else if (effort) hints.add("reasoning_effort");
  if (modalities && modalities.length > 0) core.modalities = modalities;
  if (imageConfig) {
    core.imageConfig = {};
    const ar = str(imageConfig.aspect_ratio);
    const size = str(imageConfig.image_size);
    if (ar) core.imageConfig.aspectRatio = ar;
    if (size) core.imageConfig.imageSize = size;
  }
  const user = str(raw.user);
  if (user) core.user = user;
  core.hints = [...hints];
  return core;
}
