import { unsupportedFeature } from "../../core/features.ts";
import type {
  CoreMessage,
  CoreRequest,
  CoreTool,
  CoreToolChoice,
  ImagePart,
  ImageSource,
  TextPart,
  ToolResultPart,
} from "../../core/request.ts";
import { type Json, lookup, num, obj, objs, str } from "../../core/wire-json.ts";
import { answerPart } from "./blocks.ts";
import type { CountTokensRequest, MessagesRequest } from "./schema.ts";

const TARGET = "a translated (non-Anthropic) upstream";

/** Top-level fields the canonical request carries; any other is a hint. */
const MAPPED = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "stream",
  "tools",
  "tool_choice",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "metadata",
  "thinking",
  "output_config",
  "output_format",
]);

function source(s: Json): ImageSource {
  if (s.type === "url") return { kind: "url", url: str(s.url) ?? "" };
  if (s.type === "base64")
    return { kind: "base64", mediaType: str(s.media_type) ?? "image/png", data: str(s.data) ?? "" };
  throw unsupportedFeature(`'${String(s.type)}' image sources (Files API)`, TARGET, "source");
}

class Reader {
  readonly hints = new Set<string>();

  /** Notes block-level hints (cache_control, citations...) so they land on the log row. */
  private blockHints(b: Json) {
    for (const k of ["cache_control", "citations"])
      if (b[k] !== undefined && b[k] !== null) this.hints.add(k);
  }

  text(b: Json): TextPart {
    this.blockHints(b);
    return { type: "text", text: str(b.text) ?? "" };
  }

  image(b: Json): ImagePart {
    this.blockHints(b);
    return { type: "image", source: source(obj(b.source) ?? {}) };
  }

  toolResult(b: Json): ToolResultPart {
    this.blockHints(b);
    const content: (TextPart | ImagePart)[] =
      typeof b.content === "string"
        ? [{ type: "text", text: b.content }]
        : objs(b.content).flatMap((c): (TextPart | ImagePart)[] =>
            c.type === "text" ? [this.text(c)] : c.type === "image" ? [this.image(c)] : this.other(c),
          );
    return {
      type: "tool_result",
      toolCallId: str(b.tool_use_id) ?? "",
      content,
      ...(b.is_error === true ? { isError: true } : {}),
    };
  }

  /** Blocks with no canonical form: documents change the answer; server-tool traces are dropped. */
  other(b: Json): [] {
    if (b.type === "document") throw unsupportedFeature("document (PDF) input", TARGET, "messages");
    this.hints.add(`${String(b.type)} blocks`);
    return [];
  }

  blocks(content: unknown): Json[] {
    return typeof content === "string" ? [{ type: "text", text: content }] : objs(content);
  }
}

function messages(req: CountTokensRequest, r: Reader, system: TextPart[]): CoreMessage[] {
  const out: CoreMessage[] = [];
  for (const m of req.messages) {
    const blocks = r.blocks(m.content);
    if (m.role === "system") {
      // Some clients put a system turn inside messages; it is an instruction all the same.
      system.push(...blocks.flatMap((b) => (b.type === "text" ? [r.text(b)] : [])));
      continue;
    }
    if (m.role === "user") {
      const parts = blocks.flatMap((b): (TextPart | ImagePart | ToolResultPart)[] =>
        b.type === "text"
          ? [r.text(b)]
          : b.type === "image"
            ? [r.image(b)]
            : b.type === "tool_result"
              ? [r.toolResult(b)]
              : r.other(b),
      );
      out.push({ role: "user", parts });
      continue;
    }
    const parts: Extract<CoreMessage, { role: "assistant" }>["parts"] = [];
    for (const b of blocks) {
      if (b.type === "text") parts.push(r.text(b));
      else {
        const part = answerPart(b);
        if (part) parts.push(part);
        else r.other(b);
      }
    }
    out.push({ role: "assistant", parts });
  }
  return out;
}

function tools(req: CountTokensRequest, r: Reader): CoreTool[] {
  const out: CoreTool[] = [];
  for (const t of req.tools ?? []) {
    const o = t as Json;
    // Anthropic-defined tools (web_search_2025..., bash_2025..., text_editor_...) have no
    // schema we could send elsewhere: they are dropped, by name, on the log row.
    if (t.type !== undefined && t.type !== "custom") {
      r.hints.add(`tools[${t.type}]`);
      continue;
    }
    for (const k of ["cache_control", "defer_loading", "input_examples", "eager_input_streaming"])
      if (o[k] !== undefined) r.hints.add(k);
    out.push({
      name: t.name,
      ...(typeof o.description === "string" ? { description: o.description } : {}),
      parameters: obj(o.input_schema) ?? { type: "object", properties: {} },
      ...(typeof o.strict === "boolean" ? { strict: o.strict } : {}),
    });
  }
  return out;
}

function toolChoice(c: CountTokensRequest["tool_choice"]): CoreToolChoice | undefined {
  if (!c) return undefined;
  if (c.type === "any") return { type: "required" };
  if (c.type === "tool") return { type: "tool", name: c.name ?? "" };
  return { type: c.type };
}

const EFFORT: Record<string, NonNullable<CoreRequest["reasoning"]>["effort"]> = {
  low: "low",
  medium: "medium",
  high: "high",
  max: "high",
};

/** An Anthropic Messages request in canonical form (for a provider of another dialect). */
export function decodeMessagesRequest(req: MessagesRequest | CountTokensRequest): CoreRequest {
  const raw = req as Json;
  if (raw.mcp_servers !== undefined)
    throw unsupportedFeature("remote MCP servers (mcp_servers)", TARGET, "mcp_servers");
  const r = new Reader();
  for (const k of Object.keys(raw))
    if (!MAPPED.has(k) && raw[k] !== null && raw[k] !== undefined) r.hints.add(k);
  const system: TextPart[] = r
    .blocks(req.system ?? [])
    .flatMap((b) => (b.type === "text" ? [r.text(b)] : []));
  const msgs = messages(req, r, system);
  const core: CoreRequest = {
    model: req.model,
    system,
    messages: msgs,
    tools: tools(req, r),
    maxTokens: num(raw.max_tokens) ?? null,
    stop: Array.isArray(raw.stop_sequences)
      ? raw.stop_sequences.filter((s): s is string => typeof s === "string")
      : [],
    stream: raw.stream === true,
    hints: [],
  };
  const choice = toolChoice(req.tool_choice);
  if (choice) core.toolChoice = choice;
  if (req.tool_choice?.disable_parallel_tool_use === true) core.parallelToolCalls = false;
  const t = num(raw.temperature);
  if (t !== undefined) core.temperature = t;
  const p = num(raw.top_p);
  if (p !== undefined) core.topP = p;
  const k = num(raw.top_k);
  if (k !== undefined) core.topK = k;
  const user = str(obj(raw.metadata)?.user_id);
  if (user) core.user = user;
  const config = obj(raw.output_config) ?? {};
  for (const key of Object.keys(config))
    if (key !== "effort" && key !== "format") r.hints.add(`output_config.${key}`);
  const effort = lookup(EFFORT, str(config.effort) ?? "");
  const thinking = req.thinking;
  if (thinking?.type === "enabled") {
    const budget = num(thinking.budget_tokens);
    core.reasoning = budget !== undefined ? { budgetTokens: budget } : { effort: effort ?? "medium" };
  } else if (thinking?.type === "adaptive" || (effort && thinking?.type !== "disabled")) {
    core.reasoning = { effort: effort ?? "medium" };
  }
  const format = obj(config.format) ?? obj(raw.output_format);
  if (format?.type === "json_schema")
    core.responseFormat = { type: "json_schema", name: "response", schema: obj(format.schema) ?? {} };
  core.hints = [...r.hints];
  return core;
}

/** Beta flags (the `anthropic-beta` header) steer an Anthropic upstream; translated elsewhere they are dropped by name. */
export function betaFlags(header: string | null): string[] {
  return (header ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
}
