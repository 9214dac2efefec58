import { finite, isObject, isString, optional, safeInt, unsetOr } from "../json-checks.ts";
import type { ResponsesRequest } from "./schema.ts";

/**
 * The Responses schema (schema.ts) checked by hand over a parsed request, as
 * openai-chat/check-request.ts does for chat: zod's loose objects copy every input item,
 * and Codex's history is most of a 100 KB body. A request this refuses goes to zod, which
 * names the field; this must only never accept what the schema refuses
 * (check-request.test.ts compares the two on generated requests).
 */
export function isResponsesRequest(b: Record<string, unknown>): b is ResponsesRequest {
  if (typeof b.model !== "string" || b.model.length === 0) return false;
  const input = b.input;
  if (input !== undefined && typeof input !== "string") {
    if (!Array.isArray(input)) return false;
    for (const item of input) if (!isItem(item)) return false;
  }
  if (!unsetOr(b.instructions, isString) || !unsetOr(b.previous_response_id, isString)) return false;
  if (!unsetOr(b.stream, (v) => typeof v === "boolean")) return false;
  if (!unsetOr(b.max_output_tokens, (v) => safeInt(v) && v > 0)) return false;
  if (!unsetOr(b.temperature, (v) => finite(v) && v >= 0 && v <= 2)) return false;
  if (!unsetOr(b.top_p, (v) => finite(v) && v >= 0 && v <= 1)) return false;
  const tools = b.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return false;
    for (const t of tools) if (!isObject(t) || typeof t.type !== "string") return false;
  }
  const choice = b.tool_choice;
  return (
    choice === undefined ||
    typeof choice === "string" ||
    (isObject(choice) && typeof choice.type === "string")
  );
}

function isItem(v: unknown): boolean {
  return isObject(v) && optional(v.type, isString) && optional(v.role, isString);
}
