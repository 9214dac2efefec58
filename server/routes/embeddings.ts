import { Elysia } from "elysia";
import { costOf } from "../billing/money.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import { capInt, EMBEDDING_ALIASES, refuseAliases, withinLimit } from "../dialects/openai-media/bounds.ts";
import { embeddingInputs } from "../dialects/openai-media/decode-request.ts";
import { embeddingsList } from "../dialects/openai-media/encode-response.ts";
import { EmbeddingsRequest } from "../dialects/openai-media/schema.ts";
import type { CallServices } from "../gateway/call-services.ts";
import type { MediaPrepared } from "../gateway/client-call.ts";
import { clientHandler } from "../gateway/client-route.ts";
import type { MediaMeter } from "../gateway/media-call.ts";
import { providerFor } from "../providers/registry.ts";
import { countText } from "../tokens/count.ts";

/** Per-input framing the tokenizer bound adds (a BPE token is at least one byte). */
const PER_INPUT_BOUND = 8;

/** OpenAI's limits: 2048 inputs per request, 8192 tokens per input. */
const MAX_INPUTS = 2048;
const MAX_INPUT_TOKENS = 8192;
/** No embeddings model has more (OpenAI's and Gemini's largest: 3072); a model may set its own. */
const MAX_DIMENSIONS = 8192;

/**
 * Refuses inputs beyond the model's limits (`max_embedding_inputs`, `max_embedding_tokens`
 * per input, `max_embedding_dimensions`). An input is counted with the tokenizer only when
 * its byte bound is over the limit (the bound is never below the tokens).
 */
function assertLimits(
  model: ModelRecord,
  req: EmbeddingsRequest,
  texts: string[],
  tokenIds: number[][] | null,
) {
  const count = tokenIds ? tokenIds.length : texts.length;
  withinLimit(count, capInt(model, "max_embedding_inputs", MAX_INPUTS), "input", "The number of inputs");
  const perInput = capInt(model, "max_embedding_tokens", MAX_INPUT_TOKENS);
  const sizes = tokenIds
    ? tokenIds.map((t) => t.length)
    : texts.map((t) => Buffer.byteLength(t) + PER_INPUT_BOUND);
  sizes.forEach((bound, i) => {
    if (bound <= perInput) return;
    const tokens = tokenIds ? bound : countText(texts[i]!);
    withinLimit(tokens, perInput, "input", `The tokens of input ${i}`);
  });
  if (req.dimensions !== undefined)
    withinLimit(
      req.dimensions,
      capInt(model, "max_embedding_dimensions", MAX_DIMENSIONS),
      "dimensions",
      "dimensions",
    );
}

/**
 * Embeddings billed per input token at the model's input price: reserved on a bound of the
 * input (its UTF-8 bytes, or the token ids), charged from the upstream's prompt_tokens,
 * or from the gateway's own count when the upstream reports none; never above the
 * reservation. Other spellings of the input or dimensions are refused (an
 * OpenAI-compatible upstream gets the body as it came).
 */
export function embeddingsMeter(req: EmbeddingsRequest): MediaMeter {
  refuseAliases(req, EMBEDDING_ALIASES);
  const { texts, tokenIds } = embeddingInputs(req);
  const bound = tokenIds
    ? tokenIds.reduce((n, t) => n + t.length, 0)
    : texts.reduce((n, t) => n + Buffer.byteLength(t) + PER_INPUT_BOUND, 0);
  const format = req.encoding_format ?? "float";
  const inputCost = (model: ModelRecord, tokens: number) =>
    costOf(model.prices, { input: tokens, cached: 0, output: 0 });
  return {
    capability: "embeddings",
    reserve(model) {
      assertLimits(model, req, texts, tokenIds);
      return inputCost(model, bound);
    },
    async run(target, ctx) {
      const embed = providerFor(target.provider.kind).embeddings!;
      const res = await embed({
        requestId: ctx.requestId,
        target,
        signal: ctx.signal,
        texts,
        tokenInput: tokenIds !== null,
        dimensions: req.dimensions ?? null,
        encodingFormat: format,
        body: req,
      });
      const counted = () =>
        tokenIds ? tokenIds.reduce((n, t) => n + t.length, 0) : texts.reduce((n, t) => n + countText(t), 0);
      // A reported count that is not a whole number of tokens is not trusted (BigInt cost math needs integers).
      const reported = res.inputTokens;
      const tokens =
        reported !== null && Number.isFinite(reported) && reported >= 0 ? Math.floor(reported) : counted();
      const body = embeddingsList(res.vectors, format, req.model, tokens);
      return {
        body: JSON.stringify(body),
        cost: inputCost(ctx.model, tokens),
        usage: { inputTokens: tokens, cachedTokens: 0, outputTokens: 0 },
        source: res.inputTokens === null ? "estimated" : "upstream",
      };
    },
  };
}

/** `POST /v1/embeddings` (OpenAI shape), for every provider kind with embeddings. */
export const embeddingsRoutes = (gw: CallServices) =>
  new Elysia({ name: "openai-embeddings" }).post(
    "/v1/embeddings",
    clientHandler(gw, () => ({
      endpoint: "embeddings",
      schema: EmbeddingsRequest,
      prepare: (body: EmbeddingsRequest): MediaPrepared => ({
        modelId: body.model,
        media: embeddingsMeter(body),
      }),
    })),
    {
      parse: "none",
      detail: {
        summary: "Create embeddings (float or base64), billed per input token",
        tags: ["OpenAI"],
        description:
          "OpenAI embeddings request; see https://platform.openai.com/docs/api-reference/embeddings",
      },
    },
  );
