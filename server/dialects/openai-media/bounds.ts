import type { ModelRecord } from "../../catalog/catalog.ts";
import { badRequest } from "../../errors.ts";

/**
 * The bounds of the media routes (images, video, embeddings): every field that bounds what
 * a call costs is validated against the model's limits, and other spellings of such a field
 * are refused, so the upstream receives exactly what the reservation was computed from.
 * An OpenAI-compatible upstream gets the client's body (unknown fields included): one that
 * read `num_images` or `inputs` beside `n` or `input` would produce what nobody reserved for.
 */

/** A model limit from `capabilities.<name>`: a positive integer, else `fallback`. */
export function capInt(model: ModelRecord, name: string, fallback: number): number;
export function capInt(model: ModelRecord, name: string, fallback: null): number | null;
export function capInt(model: ModelRecord, name: string, fallback: number | null): number | null {
  const v = model.capabilities[name];
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

/** Refuses a value above the model's limit, naming the limit and the field. */
export function withinLimit(value: number, limit: number | null, param: string, what: string): void {
  if (limit !== null && value > limit)
    throw badRequest(`${what} is ${value}; this model allows at most ${limit}.`, param, "invalid_value");
}

/**
 * Refuses the spellings of a cost-bearing field this route does not take: `aliases` maps
 * each field the route reads to the other names vendors give it.
 */
export function refuseAliases(
  body: Record<string, unknown>,
  aliases: Record<string, readonly string[]>,
): void {
  for (const [field, names] of Object.entries(aliases))
    for (const name of names)
      if (Object.hasOwn(body, name))
        throw badRequest(
          `\`${name}\` is not accepted here: it bounds what this request costs, and this endpoint reads it as \`${field}\` only. Send \`${field}\` instead.`,
          name,
          "unsupported_parameter",
        );
}

/**
 * The one value of a field that has several accepted spellings (`seconds`, `duration`):
 * undefined when none is given, a 400 when two are (the reserved value and a forwarded one
 * could differ).
 */
export function oneOf<T>(
  body: Record<string, unknown>,
  names: readonly string[],
): { name: string; value: T } | undefined {
  const given = names.filter((n) => body[n] !== undefined);
  if (given.length > 1)
    throw badRequest(
      `Give the duration once: \`${given.join("` and `")}\` are the same field.`,
      given[1]!,
      "conflicting_parameters",
    );
  return given.length === 1 ? { name: given[0]!, value: body[given[0]!] as T } : undefined;
}

/** Other names vendors give the image count, size and quality. */
export const IMAGE_ALIASES = {
  n: [
    "num_images",
    "numImages",
    "n_images",
    "image_count",
    "imageCount",
    "num_outputs",
    "numOutputs",
    "number_of_images",
    "numberOfImages",
    "sample_count",
    "sampleCount",
    "samples",
    "batch_size",
    "batchSize",
  ],
  size: ["width", "height", "image_size", "imageSize", "resolution", "aspect_ratio", "aspectRatio"],
  quality: ["image_quality", "imageQuality"],
} as const;

/** Other names of the embeddings input and dimensions. */
export const EMBEDDING_ALIASES = {
  input: ["inputs", "texts", "text", "documents", "contents", "content"],
  dimensions: ["dimension", "dim", "output_dimensionality", "outputDimensionality", "output_dimension"],
} as const;

/** Other names of the video count (each video is a job billed on its own). */
export const VIDEO_COUNT_ALIASES = {
  n: ["num_videos", "numVideos", "number_of_videos", "numberOfVideos", "sample_count", "sampleCount"],
} as const;

/** The spellings of a video's duration, the route's own (`seconds` or `duration`) first. */
export const secondsSpellings = (own: "seconds" | "duration") => [
  own,
  ...["seconds", "duration", "duration_seconds", "durationSeconds"].filter((n) => n !== own),
];
