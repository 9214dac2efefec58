import { isObject, isString, optional } from "../json-checks.ts";
import type { GenerateRequest } from "./schema.ts";

/**
 * The generateContent schema (schema.ts) checked by hand over a parsed request, as
 * openai-chat/check-request.ts does for chat: zod's loose objects copy every content and
 * part, and a coding agent's history is most of a 100 KB body. A request this refuses goes
 * to zod, which names the field; this must only never accept what the schema refuses
 * (check-request.test.ts compares the two on generated requests).
 */
export function isGenerateRequest(b: Record<string, unknown>): b is GenerateRequest {
  const contents = b.contents;
  if (!Array.isArray(contents) || contents.length === 0) return false;
  for (const c of contents) if (!isContent(c)) return false;
  const tools = b.tools;
  if (tools === undefined) return true;
  if (!Array.isArray(tools)) return false;
  for (const t of tools) if (!isObject(t)) return false;
  return true;
}

function isContent(c: unknown): boolean {
  if (!isObject(c) || !optional(c.role, isString)) return false;
  const parts = c.parts;
  if (!Array.isArray(parts) || parts.length === 0) return false;
  for (const p of parts) if (!isObject(p)) return false;
  return true;
}
