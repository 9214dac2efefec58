/**
 * Token usage of one call. A snapshot, not a sum: a field is overwritten whenever the
 * upstream reports it and never added to; an explicit 0 stays 0. `inputTokens` includes
 * `cachedTokens` (billed at the cached price).
 */
export type Usage = { inputTokens: number; cachedTokens: number; outputTokens: number };

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, cachedTokens: 0, outputTokens: 0 });

const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;

/** Reads OpenAI's `usage` object (chat completions and embeddings). */
export function usageFromOpenAI(u: unknown): Usage | null {
  if (!u || typeof u !== "object") return null;
  const o = u as Record<string, unknown>;
  const input = int(o.prompt_tokens) ?? int(o.input_tokens);
  const output = int(o.completion_tokens) ?? int(o.output_tokens) ?? 0;
  if (input === undefined) return null;
  const details = (o.prompt_tokens_details ?? o.input_tokens_details) as Record<string, unknown> | undefined;
  return {
    inputTokens: input,
    cachedTokens: Math.min(int(details?.cached_tokens) ?? 0, input),
    outputTokens: output,
  };
}
