import type { JsonBody } from "../../core/json-body.ts";
import type { ForwardContext } from "../../core/translate.ts";

/**
 * A Responses client's own body for an upstream with the Responses API (an `openai`
 * provider with `responses_api: true`): its model id, streaming, the cap reserved for.
 * Responses is never encoded from canonical form: no other client dialect is sent there.
 */
export function forwardResponsesRequest(inbound: JsonBody, ctx: ForwardContext): JsonBody {
  return inbound.with({
    model: ctx.upstreamModel,
    ...(ctx.stream ? { stream: true } : {}),
    max_output_tokens: ctx.maxTokens,
  });
}
