import { JsonBody } from "../core/json-body.ts";
import type { ProviderDialectCodec } from "../core/translate.ts";
import type { ChatCall } from "./provider.ts";

/**
 * The upstream body: the client's own, forwarded by the dialect's codec, when the provider
 * speaks the client's dialect (the client's bytes but for the members the codec changes);
 * else the canonical request encoded for the provider.
 */
export function upstreamBody(call: ChatCall, codec: ProviderDialectCodec): JsonBody {
  if (call.inbound.dialect === codec.dialect && codec.forwardRequest)
    return codec.forwardRequest(call.inbound.body, {
      upstreamModel: call.target.model,
      stream: call.stream,
      maxTokens: call.maxTokens,
    });
  return JsonBody.of(
    codec.encodeRequest(call.core(), {
      upstreamModel: call.target.model,
      maxTokens: call.maxTokens,
      outputLimit: call.maxTokens,
      dropped: call.dropped,
      capabilities: call.capabilities,
    }),
  );
}
