import type { StreamTap, SurfaceCodec, UpstreamResult } from "../core/codec.ts";
import type { CoreRequest } from "../core/request.ts";
import type { CoreResponse } from "../core/response.ts";
import type { ProviderDialectCodec, SurfaceDialectCodec } from "../core/translate.ts";
import type { Usage } from "../core/usage.ts";
import { GatewayError } from "../errors.ts";
import { countPrompt, countText, type PromptCount, promptTokens } from "../tokens/count.ts";
import { TranslatingTap } from "./translating-tap.ts";

/** Text a canonical answer generated, for counting when the upstream reported no usage. */
export function responseText(res: CoreResponse): string {
  return res.content
    .map((p) =>
      p.type === "text" || p.type === "thinking"
        ? p.text
        : p.type === "tool_call"
          ? p.name + p.arguments
          : "",
    )
    .join("");
}

/** The canonical prompt counted with the tokenizer. */
export function countCore(req: CoreRequest): PromptCount {
  let images = 0;
  const texts = [req.system.map((p) => p.text).join("\n")];
  for (const m of req.messages) {
    let t = "";
    for (const p of m.parts) {
      if (p.type === "text" || p.type === "thinking") t += p.text;
      else if (p.type === "image") images++;
      else if (p.type === "tool_call") t += p.name + p.arguments;
      else
        for (const c of p.content) {
          if (c.type === "text") t += c.text;
          else images++;
        }
    }
    texts.push(t);
  }
  return countPrompt(texts, images, req.tools.length > 0 ? JSON.stringify(req.tools) : "");
}

/**
 * Counts a surface's prompt through its canonical form (memoized); a body the canonical
 * model cannot carry is counted as its JSON text.
 */
export function coreCounter(core: () => CoreRequest, body: unknown): (perImage?: number) => number {
  let counted: PromptCount | null = null;
  return (perImage) => {
    if (counted === null) {
      try {
        counted = countCore(core());
      } catch {
        // The JSON text carries every image's bytes, so it bounds them too.
        counted = { tokens: countText(JSON.stringify(body)), images: 0 };
      }
    }
    return promptTokens(counted, perImage);
  };
}

/** The decoders of the dialect an upstream answered in (the transport hands them over with the answer). */
function decoderOf(result: UpstreamResult): ProviderDialectCodec {
  if (!result.codec)
    throw new GatewayError("internal", `No decoder for the ${result.dialect} wire format.`, {
      code: "internal_error",
    });
  return result.codec;
}

export type DialectCodecSpec<Body> = {
  surface: SurfaceDialectCodec<Body>;
  /** The same-dialect codec: bytes pass through, usage is tapped. */
  passThrough: SurfaceCodec;
  /** The client's model id, shown in translated answers. */
  publicModel: string;
  /** The client asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  includeUsage: boolean;
};

/**
 * A surface's codec for any upstream dialect: the same dialect passes through untouched
 * (usage tapped); another is decoded by the provider dialect's decoder into canonical
 * form and encoded by the surface's encoder.
 */
export function dialectCodec<Body>(spec: DialectCodecSpec<Body>): SurfaceCodec {
  return new DialectCodec(spec);
}

/** A class, not closures: a streamed answer holds its codec for as long as it lasts. */
class DialectCodec<Body> implements SurfaceCodec {
  constructor(private readonly spec: DialectCodecSpec<Body>) {}

  countInput(perImage?: number): number {
    return this.spec.passThrough.countInput(perImage);
  }

  json(result: Extract<UpstreamResult, { kind: "json" }>) {
    const { surface, passThrough, publicModel } = this.spec;
    if (result.dialect === surface.dialect) return passThrough.json(result);
    const res = decoderOf(result).decodeResponse(result.body);
    const outputText = () => responseText(res);
    // Without reported usage the client still sees counts: ours (billed as estimated).
    const shown: Usage = res.usage ?? {
      inputTokens: passThrough.countInput(),
      cachedTokens: 0,
      outputTokens: countText(outputText()),
    };
    const body = surface.encodeResponse({ ...res, usage: shown }, { publicModel });
    return { body: JSON.stringify(body), usage: res.usage, outputText };
  }

  stream(result: Extract<UpstreamResult, { kind: "stream" }>): StreamTap {
    const { surface, passThrough, publicModel, includeUsage } = this.spec;
    if (result.dialect === surface.dialect) return passThrough.stream(result);
    return new TranslatingTap(
      decoderOf(result).streamDecoder(),
      surface.streamEncoder({ publicModel, includeUsage }),
    );
  }

  streamError(err: GatewayError): Uint8Array {
    return this.spec.passThrough.streamError(err);
  }
}

/** Memoizes a decoder so the canonical request is built at most once, and only when needed. */
export function lazyCore(decode: () => CoreRequest): () => CoreRequest {
  let core: CoreRequest | null = null;
  return () => {
    core ??= decode();
    return core;
  };
}
