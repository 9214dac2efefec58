import { describe, expect, test } from "bun:test";
import { usageFromOpenAI } from "./usage.ts";

describe("usage in OpenAI's shape, from OpenAI-compatible vendors", () => {
  test("OpenAI: cached tokens from prompt_tokens_details; no cache writes", () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 2006,
        completion_tokens: 300,
        prompt_tokens_details: { cached_tokens: 1920 },
      }),
    ).toEqual({ inputTokens: 2006, cachedTokens: 1920, outputTokens: 300 });
  });

  test("DeepSeek: cache hits in prompt_cache_hit_tokens are the cached tokens", () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 1000,
        completion_tokens: 10,
        prompt_cache_hit_tokens: 800,
        prompt_cache_miss_tokens: 200,
      }),
    ).toEqual({ inputTokens: 1000, cachedTokens: 800, outputTokens: 10 });
  });

  test("OpenRouter and proxied Anthropic: cache writes, never more than the uncached input", () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 194,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 100 },
      }),
    ).toEqual({ inputTokens: 194, cachedTokens: 0, outputTokens: 2, cacheWriteTokens: 100 });
    expect(
      usageFromOpenAI({
        prompt_tokens: 160,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 50 },
        cache_creation_input_tokens: 100,
      }),
    ).toEqual({ inputTokens: 160, cachedTokens: 50, outputTokens: 5, cacheWriteTokens: 100 });
    expect(
      usageFromOpenAI({
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 50 },
      }),
    ).toEqual({ inputTokens: 100, cachedTokens: 90, outputTokens: 1, cacheWriteTokens: 10 });
  });

  test("malformed counts are ignored, not trusted", () => {
    expect(usageFromOpenAI({ prompt_tokens: -1, completion_tokens: 1 })).toBeNull();
    expect(
      usageFromOpenAI({ prompt_tokens: 10, completion_tokens: "5", prompt_cache_hit_tokens: Number.NaN }),
    ).toEqual({ inputTokens: 10, cachedTokens: 0, outputTokens: 0 });
  });
});
