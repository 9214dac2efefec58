import { countPrompt, countText, type PromptCount } from "../../tokens/count.ts";
import type { ChatRequest } from "./chat-schema.ts";

/**
 * An upper bound of the prompt's tokens without tokenizing: a BPE token is at least one
 * byte, so the JSON body's byte length bounds its text (chat framing included). Image
 * URLs are replaced by a per-image bound, since a data: URL's bytes say nothing of its tokens.
 */
export function chatInputBound(bodyBytes: number, req: ChatRequest, imageBound: number): number {
  let bound = bodyBytes;
  for (const m of req.messages) {
    if (!Array.isArray(m.content)) continue;
    for (const p of m.content) {
      if (p.type !== "image_url") continue;
      const url = (p as { image_url?: { url?: unknown } }).image_url?.url;
      if (typeof url === "string") bound -= url.length;
      bound += imageBound;
    }
  }
  return Math.max(bound, 1);
}

/** The prompt counted with the tokenizer (used when the upstream reports no usage). */
export function countChatInput(req: ChatRequest): PromptCount {
  const texts: string[] = [];
  let images = 0;
  for (const m of req.messages) {
    let t = m.name ?? "";
    if (typeof m.content === "string") t += m.content;
    else if (Array.isArray(m.content)) {
      for (const p of m.content) {
        if (p.type === "text" && typeof p.text === "string") t += p.text;
        else if (p.type === "image_url") images++;
      }
    }
    for (const c of m.tool_calls ?? []) t += (c.function?.name ?? "") + (c.function?.arguments ?? "");
    texts.push(t);
  }
  const tools = req.tools ? JSON.stringify(req.tools) : "";
  return countPrompt(texts, images, tools);
}

export { countText };
