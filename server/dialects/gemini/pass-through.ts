import type { SurfaceCodec, UpstreamResult } from "../../core/codec.ts";
import { setTopLevelString } from "../../core/public-model.ts";
import type { CoreRequest } from "../../core/request.ts";
import { usageFromGemini } from "../../core/usage.ts";
import { type Json, obj, objs, str } from "../../core/wire-json.ts";
import type { GatewayError } from "../../errors.ts";
import { coreCounter } from "../dialect-codec.ts";
import type { GeminiFraming } from "./encode-response.ts";
import { googleErrorBody } from "./error.ts";
import { GeminiTap } from "./tap.ts";

function candidateText(body: Json): string {
  return objs(obj(objs(body.candidates)[0]?.content)?.parts)
    .map((p) => str(p.text) ?? (p.functionCall ? JSON.stringify(p.functionCall) : ""))
    .join("");
}

/**
 * The Gemini surface over a Gemini upstream: bytes pass through (`modelVersion` renamed to
 * `publicModel`, the id the client asked for), usage is tapped.
 */
export function geminiPassThrough(
  core: () => CoreRequest,
  body: Json,
  framing: GeminiFraming,
  publicModel: string,
): SurfaceCodec {
  return {
    countInput: coreCounter(core, body),
    json(result: Extract<UpstreamResult, { kind: "json" }>) {
      return {
        body: setTopLevelString(result.text, "modelVersion", publicModel),
        usage: usageFromGemini(result.body.usageMetadata),
        outputText: () => candidateText(result.body),
      };
    },
    stream: () => new GeminiTap(framing, publicModel),
    streamError(err: GatewayError): Uint8Array {
      return new TextEncoder().encode(framing.chunk(googleErrorBody(err)) + framing.close());
    },
  };
}
