import { singleCap, type TextBounds } from "../../dialects/cost-bounds.ts";
import type { MessagesRequest } from "./schema.ts";

/**
 * The cost bounds of a Messages request: `max_tokens` (thinking included, as Anthropic
 * counts it); one answer. Unset, the model's limit is reserved and sent.
 */
export const messagesBounds = (body: MessagesRequest): TextBounds => singleCap(body.max_tokens, "max_tokens");
