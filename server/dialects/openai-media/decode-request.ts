import { unsupportedFeature } from "../../core/features.ts";
import { isUploadedFile, type UploadedFile } from "../../core/upload.ts";
import { badRequest } from "../../errors.ts";
import { oneOf, refuseAliases, secondsSpellings, VIDEO_COUNT_ALIASES } from "./bounds.ts";
import type { EmbeddingsRequest, OpenAIVideoRequest, VideoGenerationRequest } from "./schema.ts";

/** One video request, whichever route it came by. */
export type VideoAsk = {
  prompt: string;
  seconds: number | null;
  /** The field the client gave the seconds in (named by a refusal). */
  secondsField: string;
  size: string | null;
  /** The resolution label asked for ("720p"), a price key too. */
  resolution: string | null;
  n: number;
  inputReference: { imageUrl: string } | { file: UploadedFile } | null;
  dropped: string[];
};

/** "720p" + "16:9" -> "1280x720" (OpenAI's sizes); "WIDTHxHEIGHT" stays as it is. */
function sizeOf(resolution: string | undefined, aspect: string | undefined): string | null {
  if (!resolution) return null;
  if (/^\d+x\d+$/i.test(resolution)) return resolution.toLowerCase();
  const portrait =
    aspect !== undefined &&
    /^(\d+):(\d+)$/.test(aspect) &&
    aspect
      .split(":")
      .map(Number)
      .reduce((w, h) => w - h) < 0;
  const r = resolution.toLowerCase();
  if (r === "720p") return portrait ? "720x1280" : "1280x720";
  if (r === "1080p" || r === "1024p") return portrait ? "1024x1792" : "1792x1024";
  throw badRequest(
    `Unsupported resolution "${resolution}": use 720p, 1080p or WIDTHxHEIGHT.`,
    "resolution",
    "invalid_resolution",
  );
}

/** The AIGate-style request as a VideoAsk; what an OpenAI-compatible video API cannot take is named. */
export function askFromGeneration(b: VideoGenerationRequest): VideoAsk {
  refuseAliases(b, VIDEO_COUNT_ALIASES);
  if (b.input_video !== undefined || b.input_video_b64 !== undefined)
    throw unsupportedFeature("video input (video-to-video)", "this model's provider", "input_video");
  const prompt = typeof b.prompt === "string" ? b.prompt : b.prompt.text;
  const image =
    (typeof b.prompt === "object" ? b.prompt.image : undefined) ??
    b.input_image ??
    b.image ??
    b.image_url ??
    b.input_image_url ??
    (b.input_image_b64
      ? b.input_image_b64.startsWith("data:")
        ? b.input_image_b64
        : `data:image/png;base64,${b.input_image_b64}`
      : undefined);
  const dropped = ["audio", "quality", "negative_prompt", "seed", "provider_options", "user"].filter(
    (k) => (b as Record<string, unknown>)[k] !== undefined,
  );
  const seconds = oneOf<number>(b, secondsSpellings("duration"));
  return {
    prompt,
    seconds: seconds?.value ?? null,
    secondsField: seconds?.name ?? "duration",
    size: sizeOf(b.resolution, b.aspect_ratio),
    resolution: b.resolution ?? null,
    n: b.n ?? 1,
    inputReference: image ? { imageUrl: image } : null,
    dropped,
  };
}

export function askFromOpenAI(b: OpenAIVideoRequest): VideoAsk {
  refuseAliases(b, VIDEO_COUNT_ALIASES);
  const ref = b.input_reference;
  const seconds = oneOf<number>(b, secondsSpellings("seconds"));
  return {
    prompt: b.prompt,
    seconds: seconds?.value ?? null,
    secondsField: seconds?.name ?? "seconds",
    size: b.size ?? null,
    resolution: null,
    n: 1,
    inputReference:
      ref === undefined ? null : isUploadedFile(ref) ? { file: ref } : { imageUrl: String(ref.image_url) },
    dropped: [],
  };
}

/** An embeddings input as texts, or as token ids (one list per input) when the client sent those. */
export function embeddingInputs(req: EmbeddingsRequest): { texts: string[]; tokenIds: number[][] | null } {
  const input = req.input;
  if (typeof input === "string") return { texts: [input], tokenIds: null };
  if (input.length > 0 && typeof input[0] === "number") return { texts: [], tokenIds: [input as number[]] };
  if (input.length > 0 && Array.isArray(input[0])) return { texts: [], tokenIds: input as number[][] };
  return { texts: input as string[], tokenIds: null };
}
