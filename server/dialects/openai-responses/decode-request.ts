import { unsupportedFeature } from "../../core/features.ts";
import { imageFromUrl } from "../../core/images.ts";
import type {
  CoreMessage,
  CoreRequest,
  CoreToolChoice,
  ImagePart,
  TextPart,
  ToolResultPart,
} from "../../core/request.ts";
import { type Json, obj, objs, str } from "../../core/wire-json.ts";
import { badRequest } from "../../errors.ts";
import type { ResponsesRequest } from "./schema.ts";
import type { ResponsesTools } from "./tools.ts";

const TARGET = "this gateway's Responses translation";

/** Fields the canonical request carries; any other top-level field is a hint. */
const MAPPED = new Set([
  "model",
  "input",
  "instructions",
  "stream",
  "max_output_tokens",
  "temperature",
  "top_p",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "text",
  "user",
  "safety_identifier",
]);

/** Features that need server-side state or server-run tools: refused, naming the field. */
const STATEFUL = ["previous_response_id", "conversation", "prompt", "background"] as const;

/** Our own thinking signatures travel in `encrypted_content` with this prefix. */
export const SIGNATURE_PREFIX = "tg1:";

function content(c: unknown, where: string): (TextPart | ImagePart)[] {
  if (typeof c === "string") return c === "" ? [] : [{ type: "text", text: c }];
  const out: (TextPart | ImagePart)[] = [];
  for (const p of objs(c)) {
    if (p.type === "input_text" || p.type === "output_text" || p.type === "text")
      out.push({ type: "text", text: str(p.text) ?? "" });
    else if (p.type === "refusal") out.push({ type: "text", text: str(p.refusal) ?? "" });
    else if (p.type === "input_image") {
      const url = str(p.image_url);
      if (!url) throw unsupportedFeature("images by file_id", TARGET, where);
      const detail = str(p.detail);
      out.push({
        type: "image",
        source: imageFromUrl(url),
        ...(detail === "low" || detail === "high" || detail === "auto" ? { detail } : {}),
      });
    } else throw unsupportedFeature(`'${String(p.type)}' input content`, TARGET, where);
  }
  return out;
}

/** Builds canonical messages from input items; consecutive assistant items share one message. */
class Conversation {
  readonly messages: CoreMessage[] = [];
  readonly system: TextPart[] = [];

  private assistant() {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === "assistant") return last;
    const m: Extract<CoreMessage, { role: "assistant" }> = { role: "assistant", parts: [] };
    this.messages.push(m);
    return m;
  }

  private result(part: ToolResultPart) {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === "tool") last.parts.push(part);
    else this.messages.push({ role: "tool", parts: [part] });
  }

  item(it: Json, i: number, tools: ResponsesTools, hints: Set<string>) {
    const where = `input[${i}]`;
    const type = it.type ?? (it.role ? "message" : undefined);
    switch (type) {
      case "message": {
        const parts = content(it.content, `${where}.content`);
        if (it.role === "system" || it.role === "developer") {
          const text = parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
          if (text) this.system.push({ type: "text", text });
        } else if (it.role === "assistant")
          this.assistant().parts.push(...parts.flatMap((p) => (p.type === "text" ? [p] : [])));
        else this.messages.push({ role: "user", parts });
        return;
      }
      case "function_call":
        this.assistant().parts.push({
          type: "tool_call",
          id: str(it.call_id) ?? "",
          name: tools.upstreamName(str(it.name) ?? "", str(it.namespace)),
          arguments: str(it.arguments) ?? "",
        });
        return;
      case "custom_tool_call":
        this.assistant().parts.push({
          type: "tool_call",
          id: str(it.call_id) ?? "",
          name: str(it.name) ?? "",
          arguments: JSON.stringify({ input: str(it.input) ?? "" }),
        });
        return;
      case "function_call_output":
      case "custom_tool_call_output": {
        const out = it.output;
        this.result({
          type: "tool_result",
          toolCallId: str(it.call_id) ?? "",
          content: typeof out === "string" ? [{ type: "text", text: out }] : content(out, `${where}.output`),
        });
        return;
      }
      case "reasoning": {
        const text = objs(it.summary)
          .map((s) => str(s.text) ?? "")
          .join("\n");
        const enc = str(it.encrypted_content);
        const signature = enc?.startsWith(SIGNATURE_PREFIX) ? enc.slice(SIGNATURE_PREFIX.length) : undefined;
        if (enc && !signature) hints.add("reasoning.encrypted_content");
        if (text || signature)
          this.assistant().parts.push({ type: "thinking", text, ...(signature ? { signature } : {}) });
        return;
      }
      case "item_reference":
        throw unsupportedFeature("item_reference (stored items)", "a stateless gateway", where);
      default:
        // Traces of built-in tools (web_search_call, local_shell_call...) have no canonical form.
        hints.add(`input[${String(type)}]`);
    }
  }
}

function toolChoice(c: ResponsesRequest["tool_choice"], tools: ResponsesTools): CoreToolChoice | undefined {
  if (c === undefined) return undefined;
  if (c === "auto" || c === "none" || c === "required") return { type: c };
  const o = obj(c);
  if ((o?.type === "function" || o?.type === "custom") && str(o.name))
    return { type: "tool", name: tools.upstreamName(str(o.name) ?? "", str(o.namespace)) };
  return { type: "auto" };
}

const EFFORTS = new Set(["minimal", "low", "medium", "high"]);

/**
 * Refuses what needs stored state: the gateway keeps no responses, conversations or
 * prompts, so the whole conversation must come in `input`.
 */
export function assertStateless(req: ResponsesRequest): void {
  const raw = req as Json;
  for (const f of STATEFUL)
    if (raw[f] !== undefined && raw[f] !== null && raw[f] !== false)
      throw badRequest(
        f === "previous_response_id"
          ? "previous_response_id is not supported: this gateway does not store responses. Send the whole conversation in `input` (and `store: false`)."
          : `'${f}' is not supported: this gateway does not store responses, conversations or prompts.`,
        f,
        "unsupported_feature",
      );
  // Nothing stored to answer from: without `input` an upstream would answer (and bill) the
  // instructions alone, or nothing at all.
  if (req.input === undefined || (Array.isArray(req.input) && req.input.length === 0))
    throw badRequest(
      "Missing required parameter: 'input' (a string or a non-empty array of items).",
      "input",
      "missing_required_parameter",
    );
}

/** A Responses request in canonical form. Stateless: the whole conversation must be in `input`. */
export function decodeResponsesRequest(req: ResponsesRequest, tools: ResponsesTools): CoreRequest {
  const raw = req as Json;
  assertStateless(req);
  const hints = new Set<string>();
  for (const k of Object.keys(raw))
    if (!MAPPED.has(k) && raw[k] !== null && raw[k] !== undefined) hints.add(k);
  const conv = new Conversation();
  if (req.instructions) conv.system.push({ type: "text", text: req.instructions });
  if (typeof req.input === "string")
    conv.messages.push({ role: "user", parts: [{ type: "text", text: req.input }] });
  else
    (req.input ?? []).forEach((it, i) => {
      conv.item(it as Json, i, tools, hints);
    });
  const toolHints: string[] = [];
  const core: CoreRequest = {
    model: req.model,
    system: conv.system,
    messages: conv.messages,
    tools: tools.decode(req.tools, toolHints),
    maxTokens: req.max_output_tokens ?? null,
    stop: [],
    stream: req.stream === true,
    hints: [],
  };
  for (const h of toolHints) hints.add(h);
  const choice = toolChoice(req.tool_choice, tools);
  if (choice) core.toolChoice = choice;
  if (typeof raw.parallel_tool_calls === "boolean") core.parallelToolCalls = raw.parallel_tool_calls;
  if (req.temperature != null) core.temperature = req.temperature;
  if (req.top_p != null) core.topP = req.top_p;
  const reasoning = obj(raw.reasoning);
  const effort = str(reasoning?.effort);
  if (effort && EFFORTS.has(effort))
    core.reasoning = { effort: effort as "minimal" | "low" | "medium" | "high" };
  if (reasoning?.summary) hints.add("reasoning.summary");
  const format = obj(obj(raw.text)?.format);
  if (format?.type === "json_object") core.responseFormat = { type: "json_object" };
  if (format?.type === "json_schema")
    core.responseFormat = {
      type: "json_schema",
      name: str(format.name) ?? "response",
      schema: obj(format.schema) ?? {},
      ...(typeof format.strict === "boolean" ? { strict: format.strict } : {}),
    };
  if (obj(raw.text)?.verbosity !== undefined) hints.add("text.verbosity");
  const user = str(raw.user) ?? str(raw.safety_identifier);
  if (user) core.user = user;
  core.hints = [...hints];
  return core;
}
