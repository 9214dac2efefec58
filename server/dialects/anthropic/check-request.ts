import type { Json } from "../../core/wire-json.ts";
import { isObject, optional } from "../json-checks.ts";
import type { MessagesRequest } from "./schema.ts";

/**
 * The Messages schema (schema.ts) checked by hand over a parsed request, as
 * openai-chat/check-request.ts does for chat: the same rules, field for field, without zod
 * copying every message and block (a coding agent's history is most of a 100 KB body).
 * A request this refuses goes to zod, which names the field; this must only never accept
 * what the schema refuses (check-request.test.ts compares the two on generated requests).
 */
export function isMessagesRequest(b: Json): b is MessagesRequest {
  if (typeof b.model !== "string" || b.model.length === 0) return false;
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const m of messages) if (!isMessage(m)) return false;
  if (b.system !== undefined && typeof b.system !== "string" && !isBlocks(b.system)) return false;
  if (b.tools !== undefined && !(Array.isArray(b.tools) && b.tools.every(isTool))) return false;
  const choice = b.tool_choice;
  if (
    choice !== undefined &&
    !(isObject(choice) && CHOICES.has(choice.type) && optional(choice.name, (v) => typeof v === "string"))
  )
    return false;
  if (b.thinking !== undefined && !(isObject(b.thinking) && typeof b.thinking.type === "string"))
    return false;
  if (!optional(b.max_tokens, (v) => Number.isSafeInteger(v) && (v as number) > 0)) return false;
  if (!optional(b.stream, (v) => typeof v === "boolean")) return false;
  if (!optional(b.temperature, unit) || !optional(b.top_p, unit)) return false;
  if (!optional(b.top_k, (v) => Number.isSafeInteger(v) && (v as number) >= 0)) return false;
  if (!optional(b.stop_sequences, (v) => Array.isArray(v) && v.every((s) => typeof s === "string")))
    return false;
  const meta = b.metadata;
  return (
    meta === undefined ||
    (isObject(meta) &&
      (meta.user_id === undefined || meta.user_id === null || typeof meta.user_id === "string"))
  );
}

const ROLES: ReadonlySet<unknown> = new Set(["user", "assistant", "system"]);
const CHOICES: ReadonlySet<unknown> = new Set(["auto", "any", "tool", "none"]);

/** A finite number from 0 to 1. */
const unit = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;

function isMessage(m: unknown): boolean {
  if (!isObject(m) || !ROLES.has(m.role)) return false;
  return typeof m.content === "string" || isBlocks(m.content);
}

function isBlocks(v: unknown): boolean {
  return Array.isArray(v) && v.every(isBlock);
}

function isBlock(v: unknown): boolean {
  if (!isObject(v) || typeof v.type !== "string") return false;
  switch (v.type) {
    case "text":
      return typeof v.text === "string";
    case "image":
      return isSource(v.source);
    case "tool_use":
      return typeof v.id === "string" && typeof v.name === "string";
    case "tool_result":
      return typeof v.tool_use_id === "string";
    default:
      return true;
  }
}

function isSource(s: unknown): boolean {
  if (!isObject(s) || typeof s.type !== "string") return false;
  if (s.type === "base64") return typeof s.data === "string" && typeof s.media_type === "string";
  if (s.type === "url") return typeof s.url === "string";
  return true;
}

function isTool(t: unknown): boolean {
  return (
    isObject(t) &&
    typeof t.name === "string" &&
    t.name.length > 0 &&
    optional(t.type, (v) => typeof v === "string")
  );
}
