import { z } from "zod";
import { isUploadedFile, type UploadedFile } from "../../core/upload.ts";

/**
 * The OpenAI media requests (images, embeddings, videos) as clients send them, as JSON or
 * multipart forms. Objects are loose: unknown fields pass through to an OpenAI-compatible
 * upstream.
 */

/** An integer given as a JSON number or, in a multipart form, as text. */
export const formInt = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d+$/, "expected an integer").transform(Number)])
    .pipe(z.number().int().min(min).max(max));

/** A boolean given as JSON or as form text. */
export const formBool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

const File = z.custom((v) => isUploadedFile(v), { message: "expected an uploaded file" });

/** The qualities OpenAI's image models take ("auto" lets the upstream choose: the dearest is reserved). */
export const IMAGE_QUALITIES = ["auto", "low", "medium", "high", "standard", "hd"] as const;

const common = {
  model: z.string().min(1),
  prompt: z.string().min(1, "must not be empty"),
  // The image count and size price the call: a whole count, and WIDTHxHEIGHT or "auto".
  n: formInt(1, 10).optional(),
  size: z
    .union([
      z.literal("auto"),
      z.string().regex(/^[1-9]\d{1,4}x[1-9]\d{1,4}$/, 'expected "WIDTHxHEIGHT" or "auto"'),
    ])
    .optional(),
  quality: z.enum(IMAGE_QUALITIES).optional(),
  // Partial images are a streaming feature (refused), and each one is billed by the vendor.
  partial_images: formInt(0, 0).optional(),
  response_format: z.enum(["url", "b64_json"]).optional(),
  stream: formBool.optional(),
};

/** OpenAI's image generation request; unknown fields (background, output_format...) pass through. */
export const ImagesGenerateRequest = z.looseObject(common);

/**
 * OpenAI's image edit request: uploaded `image` file(s) (multipart, as the SDKs send it),
 * or `images: [{image_url} | {file_id}]` in JSON (as the AIGate guide shows).
 */
export const ImagesEditRequest = z
  .looseObject({
    ...common,
    image: z.union([File, z.array(File).min(1).max(16)]).optional(),
    images: z
      .array(
        z.looseObject({ image_url: z.string().min(1).optional(), file_id: z.string().min(1).optional() }),
      )
      .min(1)
      .max(16)
      .optional(),
    mask: File.optional(),
  })
  .refine((b) => b.image !== undefined || b.images !== undefined, {
    message: "an image to edit is required: upload `image`, or give `images: [{image_url}]`",
    path: ["image"],
  });

export type ImagesGenerateRequest = z.infer<typeof ImagesGenerateRequest>;
export type ImagesEditRequest = z.infer<typeof ImagesEditRequest>;

/**
 * OpenAI's embeddings request. Input is a string, an array of strings, or token ids (one
 * list, or one list per input; only an OpenAI-compatible upstream takes those). Unknown
 * fields pass through to an OpenAI-compatible upstream.
 */
const Tokens = z.array(z.number().int().nonnegative()).min(1);

export const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1, "must not be empty"),
    z.array(z.string().min(1, "must not be empty")).min(1).max(2048),
    Tokens,
    z.array(Tokens).min(1).max(2048),
  ]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: z.string().optional(),
});

export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

const ImageRef = z.string().min(1);

/**
 * A video's duration in whole seconds, under each spelling clients use (`seconds` as the
 * OpenAI SDK sends it, as text; `duration` as the AIGate guide shows it): one of them may be
 * given, and it is the value reserved for and forwarded.
 */
const Seconds = formInt(1, 120).optional();
const secondsFields = {
  seconds: Seconds,
  duration: Seconds,
  duration_seconds: Seconds,
  durationSeconds: Seconds,
};

/**
 * `POST /v1/video/generations` as the AIGate guide documents it: prompt text (or
 * {text, image}), duration, resolution, aspect_ratio, n, image inputs under several names.
 */
export const VideoGenerationRequest = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([
    z.string().min(1, "must not be empty"),
    z.looseObject({ text: z.string().min(1, "must not be empty"), image: ImageRef.optional() }),
  ]),
  ...secondsFields,
  resolution: z.string().min(1).optional(),
  aspect_ratio: z
    .string()
    .regex(/^\d+:\d+$/, 'expected "W:H" such as 16:9')
    .optional(),
  n: z.number().int().min(1).max(4).optional(),
  input_image: ImageRef.optional(),
  image: ImageRef.optional(),
  image_url: ImageRef.optional(),
  input_image_url: ImageRef.optional(),
  input_image_b64: ImageRef.optional(),
  input_video: z.string().optional(),
  input_video_b64: z.string().optional(),
});

/** `POST /v1/videos` as the OpenAI SDK sends it (multipart or JSON). */
export const OpenAIVideoRequest = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().min(1, "must not be empty"),
  ...secondsFields,
  size: z
    .string()
    .regex(/^\d+x\d+$/, 'expected "WIDTHxHEIGHT"')
    .optional(),
  input_reference: z
    .union([
      z.custom<UploadedFile>((v) => isUploadedFile(v), { message: "expected an uploaded file" }),
      z.looseObject({ image_url: ImageRef }),
    ])
    .optional(),
});

export type VideoGenerationRequest = z.infer<typeof VideoGenerationRequest>;
export type OpenAIVideoRequest = z.infer<typeof OpenAIVideoRequest>;
