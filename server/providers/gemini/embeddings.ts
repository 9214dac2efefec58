import { unsupportedFeature } from "../../core/features.ts";
import { arr, obj, objs } from "../../core/wire-json.ts";
import { upstreamInvalid } from "../errors.ts";
import type { EmbeddingsCall, EmbeddingsResult } from "../provider.ts";
import { postUpstream } from "../upstream-call.ts";
import { geminiRoot } from "./root.ts";

/**
 * Gemini embeddings (POST {base}/models/{model}:batchEmbedContents, base_url e.g.
 * https://generativelanguage.googleapis.com/v1beta, key in `x-goog-api-key`):
 * {requests: [{model: "models/<m>", content: {parts: [{text}]}, outputDimensionality?}]}
 * -> {embeddings: [{values: [...]}]}. Gemini reports no token usage for embeddings: the
 * gateway counts the input with its tokenizer (billed as estimated).
 *
 * The gemini provider kind (gemini/index.ts) attaches this as its `embeddings`.
 */
export async function geminiEmbeddings(call: EmbeddingsCall): Promise<EmbeddingsResult> {
  if (call.tokenInput) throw unsupportedFeature("token-id input", "Gemini embeddings", "input");
  const { provider, model } = call.target;
  const name = model.startsWith("models/") ? model : `models/${model}`;
  const headers: Record<string, string> = provider.apiKey ? { "x-goog-api-key": provider.apiKey } : {};
  const res = await postUpstream(
    { ...call, stream: false },
    {
      url: `${geminiRoot(provider.baseUrl)}/${name}:batchEmbedContents`,
      headers,
      body: {
        requests: call.texts.map((text) => ({
          model: name,
          content: { parts: [{ text }] },
          ...(call.dimensions !== null ? { outputDimensionality: call.dimensions } : {}),
        })),
      },
      dialect: "gemini",
      secrets: [provider.apiKey],
    },
  );
  if (res.kind !== "json") throw upstreamInvalid("a stream where JSON was expected");
  const vectors = objs(res.body.embeddings).map((e) => arr(obj(e)?.values) as number[]);
  if (vectors.length !== call.texts.length)
    throw upstreamInvalid("a different number of embeddings than inputs");
  return { vectors, model, inputTokens: null };
}
