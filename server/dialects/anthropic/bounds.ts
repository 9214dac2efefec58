import { type Json, obj, objs, str } from "../../core/wire-json.ts";
import { singleCap, type TextBounds } from "../cost-bounds.ts";
import type { MessagesRequest } from "./schema.ts";

/**
 * The cost bounds of a Messages request: `max_tokens` (thinking included, as Anthropic
 * counts it); one answer. Unset, the model's limit is reserved and sent.
 */
export const messagesBounds = (body: MessagesRequest): TextBounds => singleCap(body.max_tokens, "max_tokens");

/**
 * An upper bound of the prompt's tokens from the body's byte length (a token is at least
 * a byte), with each image's payload replaced by a per-image bound.
 */
export function messagesInputBound(bodyBytes: number, req: MessagesRequest, imageBound: number): number {
  let bound = bodyBytes;
  const visit = (blocks: Json[]) => {
    for (const b of blocks) {
      if (b.type === "image" || b.type === "document") {
        const s = obj(b.source) ?? {};
        bound -= (str(s.data) ?? str(s.url) ?? "").length;
        bound += imageBound;
      } else if (b.type === "tool_result") visit(objs(b.content));
    }
  };
  for (const m of req.messages) visit(objs(m.content));
  return Math.max(bound, 1);
}
