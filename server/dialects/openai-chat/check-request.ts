import type { Json } from "../../core/wire-json.ts";
import { finite, isObject, safeInt, unsetOr } from "../json-checks.ts";
import { type ChatRequest, IMAGE_DETAILS, IMAGE_URL, RESPONSE_FORMATS, ROLES } from "./schema.ts";

/**
 * The chat schema (schema.ts) checked by hand over a parsed request: the same rules, field
 * for field, without zod building a copy of every message and part (at 128 KB of agent
 * history that copy cost as much as the parse; at 1 KB zod on the top-level fields alone
 * cost 2% of a request). A request this refuses goes to zod, which names the field that
 * failed; so this never has to explain, only never accept what the schema refuses
 * (server/dialects/openai-chat/check-request.test.ts compares the two on generated requests).
 */
export function isChatRequest(body: Json): body is ChatRequest {
  if (!isTop(body)) return false;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const m of messages) if (!isMessage(m)) return false;
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return false;
    for (const t of tools) if (!isTool(t)) return false;
  }
  return true;
}

const count = (v: unknown) => safeInt(v) && v > 0;
const stops = (v: unknown) =>
  typeof v === "string" || (Array.isArray(v) && v.length <= 4 && v.every((s) => typeof s === "string"));

/** The top-level fields of schema.ts ChatRequest, but the messages and tools. */
function isTop(b: Json): boolean {
  if (typeof b.model !== "string" || b.model.length === 0) return false;
  const options = (v: unknown) =>
    isObject(v) && (v.include_usage === undefined || typeof v.include_usage === "boolean");
  if (!unsetOr(b.stream, (v) => typeof v === "boolean") || !unsetOr(b.stream_options, options)) return false;
  if (!unsetOr(b.max_tokens, count) || !unsetOr(b.max_completion_tokens, count)) return false;
  if (!unsetOr(b.n, (v) => safeInt(v) && v >= 1 && v <= 128)) return false;
  if (!unsetOr(b.temperature, (v) => finite(v) && v >= 0 && v <= 2)) return false;
  if (!unsetOr(b.top_p, (v) => finite(v) && v >= 0 && v <= 1)) return false;
  if (!unsetOr(b.stop, stops) || !unsetOr(b.seed, safeInt)) return false;
  const choice = b.tool_choice;
  if (
    choice !== undefined &&
    typeof choice !== "string" &&
    !(isObject(choice) && typeof choice.type === "string")
  )
    return false;
  const f = b.response_format;
  if (f === undefined) return true;
  if (!isObject(f) || !(RESPONSE_FORMATS as readonly unknown[]).includes(f.type)) return false;
  const schema = f.json_schema;
  if (schema !== undefined && !(isObject(schema) && typeof schema.name === "string")) return false;
  return f.type !== "json_schema" || schema !== undefined;
}

const optionalString = (v: unknown) => v === undefined || typeof v === "string";

const roles: ReadonlySet<unknown> = new Set(ROLES);

function isMessage(m: unknown): boolean {
  if (!isObject(m) || !roles.has(m.role)) return false;
  const content = m.content;
  if (content !== undefined && content !== null && typeof content !== "string") {
    if (!Array.isArray(content)) return false;
    for (const p of content) if (!isPart(p)) return false;
  }
  if (!optionalString(m.name) || !optionalString(m.tool_call_id)) return false;
  const calls = m.tool_calls;
  if (calls !== undefined) {
    if (!Array.isArray(calls)) return false;
    for (const c of calls) if (!isToolCall(c)) return false;
  }
  return true;
}

function isPart(p: unknown): boolean {
  if (!isObject(p) || typeof p.type !== "string") return false;
  if (p.type === "text") return typeof p.text === "string";
  if (p.type !== "image_url") return true;
  const img = p.image_url;
  // The schema's own test: any object (an array too) with a url of an allowed scheme.
  if (typeof img !== "object" || img === null) return false;
  const { url, detail } = img as Record<string, unknown>;
  return (
    typeof url === "string" &&
    IMAGE_URL.test(url) &&
    (detail === undefined || IMAGE_DETAILS.includes(detail as string))
  );
}

function isToolCall(c: unknown): boolean {
  if (!isObject(c) || typeof c.id !== "string" || typeof c.type !== "string") return false;
  const f = c.function;
  return f === undefined || (isObject(f) && typeof f.name === "string" && typeof f.arguments === "string");
}

function isTool(t: unknown): boolean {
  if (!isObject(t) || typeof t.type !== "string") return false;
  const f = t.function;
  if (f === undefined) return true;
  if (!isObject(f) || typeof f.name !== "string" || f.name.length === 0) return false;
  return f.parameters === undefined || isObject(f.parameters);
}
