import type { ProviderDialectCodec } from "../core/translate.ts";
import type { Json } from "../core/wire-json.ts";
import type { ChatCall } from "./provider.ts";

/**
 * The upstream body: the client's own (adjusted by `passThrough`) when the provider
 * speaks the client's dialect, else the canonical request encoded for the provider.
 */
export function upstreamBody(
  call: ChatCall,
  codec: ProviderDialectCodec,
  passThrough: (inbound: Json) => Json,
): Json {
  if (call.inbound.dialect === codec.dialect) return passThrough(call.inbound.body);
  const core = call.core();
  return codec.encodeRequest(core, {
    upstreamModel: call.target.model,
    maxTokens: call.maxTokens,
    outputLimit: call.maxTokens,
    dropped: call.dropped,
    capabilities: call.capabilities,
  });
}
