import type { SurfaceCodec, UpstreamResult } from "../../core/codec.ts";
import { setTopLevelString } from "../../core/public-model.ts";
import type { CoreRequest } from "../../core/request.ts";
import { usageFromGemini } from "../../core/usage.ts";
import { type Json, obj, objs, str } from "../../core/wire-json.ts";
import { coreCounter } from "../../dialects/dialect-codec.ts";
import type { GatewayError } from "../../errors.ts";
import type { GeminiFraming } from "./encode.ts";
import { googleErrorBody } from "./error.ts";
import { field } from "./fields.ts";
import type { GenerateRequest } from "./schema.ts";
import { GeminiTap } from "./tap.ts";

/** Byte bound of the prompt with each inline image's payload replaced by a per-image bound. */
export function generateInputBound(bodyBytes: number, req: GenerateRequest, imageBound: number): number {
  let bound = bodyBytes;
  for (const c of req.contents ?? [])
    for (const p of objs(c.parts)) {
      const media = obj(field(p, "inlineData")) ?? obj(field(p, "fileData"));
      if (!media) continue;
      bound -= (str(media.data) ?? str(field(media, "fileUri")) ?? "").length;
      bound += imageBound;
    }
  return Math.max(bound, 1);
}

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
