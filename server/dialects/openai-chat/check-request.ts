import type { Json } from "../../core/wire-json.ts";
import { type ChatRequest, ChatTop, IMAGE_DETAILS, IMAGE_URL, ROLES } from "./schema.ts";

/**
 * The chat schema (schema.ts) checked by hand over a parsed request: the same rules, field
 * for field, without zod building a copy of every message and part (at 128 KB of agent
 * history that copy cost as much as the parse). The top-level fields, few and small, are
 * still checked by the schema itself. A request this refuses goes to zod, which names the
 * field that failed; so this never has to explain, only never accept what the schema refuses
 * (server/dialects/openai-chat/check-request.test.ts compares the two on generated requests).
 */
export function isChatRequest(body: Json): body is ChatRequest {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const m of messages) if (!isMessage(m)) return false;
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return false;
    for (const t of tools) if (!isTool(t)) return false;
  }
  return ChatTop.safeParse(body).success;
}

/** A JSON object (what zod's object schemas accept: not null, not an array). */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

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
