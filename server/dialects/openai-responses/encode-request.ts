import type { ForwardContext } from "../../core/translate.ts";
import type { Json } from "../../core/wire-json.ts";

/**
 * A Responses client's own body for an upstream with the Responses API (an `openai`
 * provider with `responses_api: true`): its model id, streaming, the cap reserved for.
 * Responses is never encoded from canonical form: no other client dialect is sent there.
 */
export function forwardResponsesRequest(inbound: Json, ctx: ForwardContext): Json {
  const body: Json = { ...inbound, model: ctx.upstreamModel };
  if (ctx.stream) body.stream = true;
  body.max_output_tokens = ctx.maxTokens;
  return body;
}
