import { singleCap, type TextBounds } from "../../dialects/cost-bounds.ts";
import type { ResponsesRequest } from "./responses-schema.ts";

/**
 * The cost bounds of a Responses request: `max_output_tokens` (reasoning included, as
 * OpenAI counts it); the API has no choice count. Unset, the model's limit is reserved and sent.
 */
export const responsesBounds = (body: ResponsesRequest): TextBounds =>
  singleCap(body.max_output_tokens, "max_output_tokens");
