/**
 * Token usage of one call. A snapshot, not a sum: a field is overwritten whenever the
 * upstream reports it and never added to; an explicit 0 stays 0. `inputTokens` includes
 * `cachedTokens` (billed at the cached price) and `cacheWriteTokens`: prompt tokens the
 * provider wrote to its cache (Anthropic bills them above the input price), of which
 * `cacheWrite1hTokens` were written with a one-hour lifetime (billed higher still).
 */
export type Usage = {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
};

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, cachedTokens: 0, outputTokens: 0 });

const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;

/**
 * Reads OpenAI's `usage` object (chat completions, Responses, embeddings), with the cache
 * fields OpenAI-compatible vendors add: DeepSeek's `prompt_cache_hit_tokens` (cache reads),
 * OpenRouter's `prompt_tokens_details.cache_write_tokens` and a proxied Anthropic's
 * `cache_creation_input_tokens` (cache writes). `prompt_tokens` includes all of them.
 */
export function usageFromOpenAI(u: unknown): Usage | null {
  if (!u || typeof u !== "object") return null;
  const o = u as Record<string, unknown>;
  const input = int(o.prompt_tokens) ?? int(o.input_tokens);
  const output = int(o.completion_tokens) ?? int(o.output_tokens) ?? 0;
  if (input === undefined) return null;
  const details = (o.prompt_tokens_details ?? o.input_tokens_details) as Record<string, unknown> | undefined;
  const cached = Math.min(int(details?.cached_tokens) ?? int(o.prompt_cache_hit_tokens) ?? 0, input);
  const writes = Math.min(
    int(details?.cache_write_tokens) ?? int(o.cache_creation_input_tokens) ?? 0,
    input - cached,
  );
  return {
    inputTokens: input,
    cachedTokens: cached,
    outputTokens: output,
    ...(writes > 0 ? { cacheWriteTokens: writes } : {}),
  };
}

/**
 * Reads Anthropic's `usage`: its `input_tokens` excludes cache reads and cache writes, so
 * the canonical input is their sum. Cache writes are kept apart (billed at the model's
 * cache-write prices), with the one-hour share from `cache_creation` when it is given.
 * Fields absent from a partial report (message_delta) stay absent.
 */
export function usageFromAnthropic(u: unknown): Partial<Usage> | null {
  if (!u || typeof u !== "object") return null;
  const o = u as Record<string, unknown>;
  const out: Partial<Usage> = {};
  const input = int(o.input_tokens);
  const read = int(o.cache_read_input_tokens);
  const split = (o.cache_creation && typeof o.cache_creation === "object" ? o.cache_creation : {}) as Record<
    string,
    unknown
  >;
  const w5m = int(split.ephemeral_5m_input_tokens);
  const w1h = int(split.ephemeral_1h_input_tokens);
  const write =
    int(o.cache_creation_input_tokens) ??
    (w5m !== undefined || w1h !== undefined ? (w5m ?? 0) + (w1h ?? 0) : undefined);
  if (input !== undefined) {
    out.inputTokens = input + (read ?? 0) + (write ?? 0);
    out.cachedTokens = read ?? 0;
  } else if (read !== undefined) out.cachedTokens = read;
  // A report with the input says how much of it was written, 0 if nothing is said.
  if (input !== undefined || write !== undefined) out.cacheWriteTokens = write ?? 0;
  if (w1h !== undefined) out.cacheWrite1hTokens = Math.min(w1h, write ?? w1h);
  const output = int(o.output_tokens);
  if (output !== undefined) out.outputTokens = output;
  return Object.keys(out).length > 0 ? out : null;
}

/** The cache-write counts of a report, only where there were writes. */
function cacheWrites(u: Partial<Usage>): Pick<Usage, "cacheWriteTokens" | "cacheWrite1hTokens"> {
  return {
    ...(u.cacheWriteTokens ? { cacheWriteTokens: u.cacheWriteTokens } : {}),
    ...(u.cacheWrite1hTokens ? { cacheWrite1hTokens: u.cacheWrite1hTokens } : {}),
  };
}

/** A complete Anthropic report (a non-streamed message, message_start) as a usage; null without input. */
export function fullUsageFromAnthropic(u: unknown): Usage | null {
  const p = usageFromAnthropic(u);
  if (p?.inputTokens === undefined) return null;
  return {
    inputTokens: p.inputTokens,
    cachedTokens: p.cachedTokens ?? 0,
    outputTokens: p.outputTokens ?? 0,
    ...cacheWrites(p),
  };
}

/**
 * Reads Gemini's `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`;
 * thinking (`thoughtsTokenCount`) is billed as output, tool-use prompts as input.
 */
export function usageFromGemini(u: unknown): Usage | null {
  if (!u || typeof u !== "object") return null;
  const o = u as Record<string, unknown>;
  const prompt = int(o.promptTokenCount);
  if (prompt === undefined) return null;
  const input = prompt + (int(o.toolUsePromptTokenCount) ?? 0);
  return {
    inputTokens: input,
    cachedTokens: Math.min(int(o.cachedContentTokenCount) ?? 0, input),
    outputTokens: (int(o.candidatesTokenCount) ?? 0) + (int(o.thoughtsTokenCount) ?? 0),
  };
}

/**
 * The usage to bill from a stream's usage snapshot. A complete stream bills what the
 * upstream reported; a stream cut short (client gone, upstream broke) may carry an
 * output count that predates what was produced (Anthropic reports output at the start),
 * so the larger of the report and our count of what was forwarded is billed.
 * Null when the upstream never reported input: then everything is counted.
 */
export function streamUsage(
  snapshot: Partial<Usage>,
  complete: boolean,
  produced: () => number,
): Usage | null {
  if (snapshot.inputTokens === undefined) return null;
  const output = complete
    ? (snapshot.outputTokens ?? produced())
    : Math.max(snapshot.outputTokens ?? 0, produced());
  return {
    inputTokens: snapshot.inputTokens,
    cachedTokens: snapshot.cachedTokens ?? 0,
    outputTokens: output,
    ...cacheWrites(snapshot),
  };
}
