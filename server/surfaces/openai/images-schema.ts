import { z } from "zod";
import { isUploadedFile } from "../../http/form-body.ts";

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
