import { z } from "zod";

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
