import { z } from "zod";

/**
 * What we check of a Responses API request. Objects are loose: Codex and the SDKs send
 * many fields (include, store, prompt_cache_key, client_metadata...) that steer only.
 */
const Item = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(Item)]).optional(),
  instructions: z.string().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  previous_response_id: z.string().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
