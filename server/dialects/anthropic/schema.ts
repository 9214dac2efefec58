import { z } from "zod";

/**
 * What we check of an Anthropic Messages request. Objects are loose: fields we do not
 * name (cache_control, context_management, container...) pass through to an Anthropic
 * upstream untouched and are dropped (and logged) when translating.
 */
const Source = z.looseObject({ type: z.string() }).superRefine((s, ctx) => {
  const o = s as Record<string, unknown>;
  if (s.type === "base64" && (typeof o.data !== "string" || typeof o.media_type !== "string"))
    ctx.addIssue({ code: "custom", message: "a base64 source needs media_type and data strings" });
  if (s.type === "url" && typeof o.url !== "string")
    ctx.addIssue({ code: "custom", path: ["url"], message: "expected a string" });
});

const Block = z.looseObject({ type: z.string() }).superRefine((b, ctx) => {
  const o = b as Record<string, unknown>;
  if (b.type === "text" && typeof o.text !== "string")
    ctx.addIssue({ code: "custom", path: ["text"], message: "expected a string" });
  if (b.type === "image") {
    const r = Source.safeParse(o.source);
    if (!r.success)
      ctx.addIssue({ code: "custom", path: ["source"], message: "expected an image source object" });
  }
  if (b.type === "tool_use" && (typeof o.id !== "string" || typeof o.name !== "string"))
    ctx.addIssue({ code: "custom", message: "a tool_use block needs id and name strings" });
  if (b.type === "tool_result" && typeof o.tool_use_id !== "string")
    ctx.addIssue({ code: "custom", path: ["tool_use_id"], message: "expected a string" });
});

const Content = z.union([z.string(), z.array(Block)]);

const Message = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: Content,
});

const Tool = z.looseObject({ name: z.string().min(1), type: z.string().optional() });

const base = {
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  system: z.union([z.string(), z.array(Block)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: z
    .looseObject({ type: z.enum(["auto", "any", "tool", "none"]), name: z.string().optional() })
    .optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
};

export const MessagesRequest = z.looseObject({
  ...base,
  // Required by Anthropic; the gateway fills in the model's limit when a client leaves it out.
  max_tokens: z.number().int().positive().optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

export const CountTokensRequest = z.looseObject(base);
export type CountTokensRequest = z.infer<typeof CountTokensRequest>;
