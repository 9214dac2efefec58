import { obj, objs, str } from "../../core/wire-json.ts";
import { badRequest } from "../../errors.ts";
import { countIn, oneSpelling, type TextBounds, without } from "../cost-bounds.ts";
import { field } from "./fields.ts";
import type { GenerateRequest } from "./schema.ts";

/** Google's proto-JSON takes each field in camelCase or snake_case; both spellings are read. */
const CONFIG = ["generationConfig", "generation_config"] as const;
const CAP = ["maxOutputTokens", "max_output_tokens"] as const;
const CANDIDATES = ["candidateCount", "candidate_count"] as const;

/** The Gemini API's limit on `candidateCount`. */
export const MAX_CANDIDATES = 8;

/**
 * The cost bounds of a generateContent request, and the body to forward: one
 * `generationConfig` whose output cap and candidate count are in one spelling each
 * (camelCase), `candidateCount` reserved as a multiplier. A value set in two spellings
 * (either the container or the field) is refused unless both agree.
 */
export function generateBounds(body: GenerateRequest): { bounds: TextBounds; body: GenerateRequest } {
  const config = oneSpelling(body, CONFIG);
  if (!config) return { bounds: { maxTokens: null, choices: 1 }, body };
  const g = obj(config.value);
  if (!g) throw badRequest(`'${config.name}' must be an object.`, config.name, "invalid_value");
  const where = `${config.name}.`;
  const cap = oneSpelling(g, CAP, where);
  const count = oneSpelling(g, CANDIDATES, where);
  const maxTokens = cap ? countIn(cap.value, where + cap.name) : null;
  const choices = count ? countIn(count.value, where + count.name, MAX_CANDIDATES) : 1;
  const generationConfig = without(g, [...CAP, ...CANDIDATES]);
  if (maxTokens !== null) generationConfig.maxOutputTokens = maxTokens;
  if (count) generationConfig.candidateCount = choices;
  return {
    bounds: { maxTokens, choices },
    body: { ...without(body, CONFIG), generationConfig } as GenerateRequest,
  };
}

/** Byte bound of the prompt with each inline image's payload replaced by a per-image bound. */
export function generateInputBound(bodyBytes: number, req: GenerateRequest, imageBound: number): number {
  let bound = bodyBytes;
  for (const c of req.contents ?? [])
    for (const p of objs(c.parts)) {
      const media = obj(field(p, "inlineData")) ?? obj(field(p, "fileData"));
      if (!media) continue;
      bound -= (str(media.data) ?? str(field(media, "fileUri")) ?? "").length;
      bound += imageBound;
    }
  return Math.max(bound, 1);
}
