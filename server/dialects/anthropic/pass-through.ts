import type { SurfaceCodec, UpstreamResult } from "../../core/codec.ts";
import { setTopLevelString } from "../../core/public-model.ts";
import type { CoreRequest } from "../../core/request.ts";
import { fullUsageFromAnthropic } from "../../core/usage.ts";
import type { Json } from "../../core/wire-json.ts";
import { coreCounter, responseText } from "../dialect-codec.ts";
import { decodeMessagesResponse } from "./decode-response.ts";
import { anthropicStreamErrorBytes } from "./error.ts";
import { AnthropicTap } from "./tap.ts";

/**
 * The Messages surface over an Anthropic upstream: bytes pass through (the `model` renamed
 * to `publicModel`, the id the client asked for), usage is tapped.
 */
export function anthropicPassThrough(core: () => CoreRequest, body: Json, publicModel: string): SurfaceCodec {
  return {
    countInput: coreCounter(core, body),
    json(result: Extract<UpstreamResult, { kind: "json" }>) {
      const usage = fullUsageFromAnthropic(result.body.usage);
      const text = setTopLevelString(result.text, "model", publicModel);
      return { body: text, usage, outputText: () => responseText(decodeMessagesResponse(result.body)) };
    },
    stream: () => new AnthropicTap(publicModel),
    streamError: anthropicStreamErrorBytes,
  };
}
