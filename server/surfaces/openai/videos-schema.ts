import { z } from "zod";
import { isUploadedFile, type UploadedFile } from "../../http/form-body.ts";
import { formInt } from "./images-schema.ts";

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
