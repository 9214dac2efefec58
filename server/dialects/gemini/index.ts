import {
  type ProviderDialectCodec,
  type SurfaceDialectCodec,
  statefulDecoder,
} from "../../core/translate.ts";
import { decodeGenerateRequest } from "./decode-request.ts";
import {
  decodeGenerateResponse,
  generateStreamEnd,
  generateStreamState,
  generateStreamStep,
} from "./decode-response.ts";
import { encodeGenerateRequest, forwardGenerateRequest } from "./encode-request.ts";
import { encodeGenerateResponse, type GeminiFraming, generateStreamEncoder } from "./encode-response.ts";
import type { GenerateRequest } from "./schema.ts";

/**
 * Gemini generateContent as a client speaks it, for one request: its stream framing (SSE
 * or a JSON array) is shared with the error event that may end the stream.
 */
export function geminiSurface(
  framing: GeminiFraming,
): SurfaceDialectCodec<GenerateRequest & { model: string; stream: boolean }> {
  return {
    dialect: "gemini",
    decodeRequest: decodeGenerateRequest,
    encodeResponse: encodeGenerateResponse,
    streamEncoder: (ctx) => generateStreamEncoder(ctx, framing),
  };
}

/** Gemini generateContent as an upstream speaks it: requests out, its answers and chunks in. */
export const geminiDialect: ProviderDialectCodec = {
  dialect: "gemini",
  forwardRequest: forwardGenerateRequest,
  encodeRequest: encodeGenerateRequest,
  decodeResponse: decodeGenerateResponse,
  streamDecoder: () => statefulDecoder(generateStreamState(), generateStreamStep, generateStreamEnd),
};
