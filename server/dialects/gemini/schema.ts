import { z } from "zod";

/**
 * What we check of a Gemini generateContent request. Objects are loose (camelCase or
 * snake_case fields, safety settings, labels... pass through to a Gemini upstream).
 */
const Part = z.looseObject({});

const Content = z.looseObject({
  role: z.string().optional(),
  parts: z.array(Part).min(1, "a content needs at least one part"),
});

export const GenerateRequest = z
  .looseObject({
    contents: z.array(Content).min(1).optional(),
    tools: z.array(z.looseObject({})).optional(),
  })
  .refine((b) => Array.isArray(b.contents), { message: "contents is required", path: ["contents"] });
export type GenerateRequest = z.infer<typeof GenerateRequest>;
