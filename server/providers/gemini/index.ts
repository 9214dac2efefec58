import { geminiDialect } from "../../dialects/gemini/index.ts";
import type { ChatCall, Provider, UpstreamResult } from "../provider.ts";
import { upstreamBody } from "../translate-body.ts";
import { postUpstream } from "../upstream-call.ts";
import { geminiEmbeddings } from "./embeddings.ts";
import { geminiRoot } from "./root.ts";

/**
 * Google's Gemini API (`base_url` like https://generativelanguage.googleapis.com/v1beta;
 * without a version the gateway adds /v1beta). Streams ask for `alt=sse`.
 */
export const geminiProvider = {
  kind: "gemini",

  async chat(call: ChatCall): Promise<UpstreamResult> {
    const { provider, model } = call.target;
    const body = upstreamBody(call, geminiDialect);
    const root = geminiRoot(provider.baseUrl);
    const method = call.stream ? "streamGenerateContent?alt=sse" : "generateContent";
    const headers: Record<string, string> = {};
    if (provider.apiKey) headers["x-goog-api-key"] = provider.apiKey;
    return postUpstream(call, {
      url: `${root}/models/${model}:${method}`,
      headers,
      body,
      dialect: geminiDialect,
      secrets: [provider.apiKey],
    });
  },

  embeddings: geminiEmbeddings,
} satisfies Provider;
