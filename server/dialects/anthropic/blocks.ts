import type { TextPart, ThinkingPart, ToolCallPart } from "../../core/request.ts";
import { type Json, str } from "../../core/wire-json.ts";

/** What an assistant turn or an answer is made of, in canonical form. */
export type AnswerPart = TextPart | ThinkingPart | ToolCallPart;

/**
 * An assistant content block, read the same way in a request's history and in an
 * upstream's answer: text, thinking with its signature, tool_use with its input as JSON
 * text. Null for blocks with no canonical form (server tool traces, redacted thinking).
 */
export function answerPart(b: Json): AnswerPart | null {
  switch (b.type) {
    case "text":
      return { type: "text", text: str(b.text) ?? "" };
    case "thinking": {
      const signature = str(b.signature);
      return { type: "thinking", text: str(b.thinking) ?? "", ...(signature ? { signature } : {}) };
    }
    case "tool_use":
      return {
        type: "tool_call",
        id: str(b.id) ?? "",
        name: str(b.name) ?? "",
        arguments: JSON.stringify(b.input ?? {}),
      };
    default:
      return null;
  }
}
