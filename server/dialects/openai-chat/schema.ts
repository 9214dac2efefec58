import { z } from "zod";

/**
 * What we check of a chat completion request. Objects are loose: every field we do not
 * name (seed, logprobs, reasoning_effort, vendor extras...) passes through untouched.
 */
export const IMAGE_URL = /^(https?:\/\/|data:image\/[a-z0-9.+-]+;base64,)/i;
export const IMAGE_DETAILS = ["auto", "low", "high"];

/** A content part; text and image parts are checked field by field so errors name the field. */
const ContentPart = z.looseObject({ type: z.string() }).superRefine((p, ctx) => {
  const part = p as Record<string, unknown>;
  if (p.type === "text" && typeof part.text !== "string") {
    ctx.addIssue({ code: "custom", path: ["text"], message: "expected a string" });
  }
  if (p.type === "image_url") {
    const img = part.image_url as Record<string, unknown> | undefined;
    if (!img || typeof img !== "object") {
      ctx.addIssue({ code: "custom", path: ["image_url"], message: "expected an object with a url" });
    } else if (typeof img.url !== "string" || !IMAGE_URL.test(img.url)) {
      ctx.addIssue({
        code: "custom",
        path: ["image_url", "url"],
        message: "must be an http(s) URL or a data:image/...;base64, URL",
      });
    } else if (img.detail !== undefined && !IMAGE_DETAILS.includes(img.detail as string)) {
      ctx.addIssue({
        code: "custom",
        path: ["image_url", "detail"],
        message: 'must be "auto", "low" or "high"',
      });
    }
  }
});

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.string(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }).optional(),
});

export const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;

const Message = z.looseObject({
  role: z.enum(ROLES),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCall).optional(),
  tool_call_id: z.string().optional(),
});

const Tool = z.looseObject({
  type: z.string(),
  function: z
    .looseObject({ name: z.string().min(1), parameters: z.record(z.string(), z.unknown()).optional() })
    .optional(),
});

const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

export const RESPONSE_FORMATS = ["text", "json_object", "json_schema"] as const;

export const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  stream: nullable(z.boolean()),
  stream_options: nullable(z.looseObject({ include_usage: z.boolean().optional() })),
  max_tokens: nullable(z.number().int().positive()),
  max_completion_tokens: nullable(z.number().int().positive()),
  n: nullable(z.number().int().min(1).max(128)),
  temperature: nullable(z.number().min(0).max(2)),
  top_p: nullable(z.number().min(0).max(1)),
  stop: nullable(z.union([z.string(), z.array(z.string()).max(4)])),
  seed: nullable(z.number().int()),
  tools: z.array(Tool).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  response_format: z
    .looseObject({
      type: z.enum(RESPONSE_FORMATS),
      json_schema: z.looseObject({ name: z.string() }).optional(),
    })
    .refine(
      (f) => f.type !== "json_schema" || f.json_schema !== undefined,
      "json_schema is required when type is json_schema",
    )
    .optional(),
});

export type ChatRequest = z.infer<typeof ChatRequest>;
