import type { ProviderRecord } from "../../catalog/catalog.ts";
import { unsupportedFeature } from "../../core/features.ts";
import { num } from "../../core/wire-json.ts";
import { yandexCodec } from "../../dialects/yandex/index.ts";
import { GatewayError } from "../../errors.ts";
import { upstreamInvalid } from "../errors.ts";
import type { ChatCall, EmbeddingsCall, EmbeddingsResult, Provider, UpstreamResult } from "../provider.ts";
import { upstreamBody } from "../translate-body.ts";
import { postUpstream } from "../upstream-call.ts";

const misconfigured = (what: string) =>
  new GatewayError("unavailable", `The Yandex provider is misconfigured: ${what}.`, {
    code: "provider_misconfigured",
  });

/** Folder and credentials: `Authorization: Api-Key <key>` (default) or `Bearer <IAM token>`, plus x-folder-id. */
function access(provider: ProviderRecord): { folder: string; headers: Record<string, string> } {
  const folder = provider.options.folder_id;
  if (typeof folder !== "string" || !/^[a-z0-9]+$/i.test(folder))
    throw misconfigured("options.folder_id (the Yandex Cloud folder id) is not set");
  if (!provider.apiKey) throw misconfigured("api_key (an API key or IAM token) is not set");
  const auth = provider.options.auth ?? "api_key";
  if (auth !== "api_key" && auth !== "iam_token")
    throw misconfigured('options.auth must be "api_key" or "iam_token"');
  const scheme = auth === "iam_token" ? "Bearer" : "Api-Key";
  return { folder, headers: { authorization: `${scheme} ${provider.apiKey}`, "x-folder-id": folder } };
}

/**
 * A model URI from a route's model: `gpt://<folder>/<model>/<version>`. Routes may name
 * the model as `yandexgpt/latest`, `yandexgpt-lite:rc` (XRouter's notation), `yandexgpt`
 * (the latest version), or give a full URI (a tuned model), which is used as it is.
 */
export function modelUri(scheme: "gpt" | "emb", folder: string, model: string): string {
  if (/^[a-z]+:\/\//.test(model)) return model;
  const path = model.replace(":", "/");
  return `${scheme}://${folder}/${path.includes("/") ? path : `${path}/latest`}`;
}

const base = (p: ProviderRecord) => p.baseUrl.replace(/\/+$/, "");

/** Embeds one text per call (the API takes one), a few at a time. */
const EMBED_CONCURRENCY = 4;

/**
 * Yandex Foundation Models (base_url https://llm.api.cloud.yandex.net/foundationModels/v1).
 * options: `folder_id` (required), `auth`: "api_key" (default) | "iam_token".
 */
export const yandexProvider = {
  kind: "yandex",

  async chat(call: ChatCall): Promise<UpstreamResult> {
    const { provider } = call.target;
    const a = access(provider);
    const uri = modelUri("gpt", a.folder, call.target.model);
    const body = upstreamBody({ ...call, target: { ...call.target, model: uri } }, yandexCodec);
    return postUpstream(call, {
      url: `${base(provider)}/completion`,
      headers: a.headers,
      body,
      dialect: yandexCodec,
      secrets: [provider.apiKey],
      streamFormat: "ndjson",
    });
  },

  /** POST /textEmbedding {modelUri: emb://<folder>/<model>, text, dim?} -> {embedding, numTokens}. */
  async embeddings(call: EmbeddingsCall): Promise<EmbeddingsResult> {
    if (call.tokenInput) throw unsupportedFeature("token-id input", "YandexGPT embeddings", "input");
    const { provider } = call.target;
    const a = access(provider);
    const uri = modelUri("emb", a.folder, call.target.model);
    const vectors: number[][] = new Array(call.texts.length);
    let tokens = 0;
    let reported = true;
    let version = "";
    let next = 0;
    let failed = false;
    const worker = async () => {
      for (let i = next++; i < call.texts.length && !failed; i = next++) {
        const body: Record<string, unknown> = { modelUri: uri, text: call.texts[i] };
        if (call.dimensions !== null) body.dim = String(call.dimensions);
        const res = await postUpstream(
          { ...call, stream: false },
          {
            url: `${base(provider)}/textEmbedding`,
            headers: a.headers,
            body,
            dialect: "openai-embeddings",
            secrets: [provider.apiKey],
          },
        ).catch((err: unknown) => {
          failed = true; // the other workers stop sending
          throw err;
        });
        if (res.kind !== "json" || !Array.isArray(res.body.embedding))
          throw upstreamInvalid("an answer without an embedding");
        vectors[i] = res.body.embedding as number[];
        const n = num(Number(res.body.numTokens));
        if (n === undefined) reported = false;
        else tokens += n;
        if (typeof res.body.modelVersion === "string") version = res.body.modelVersion;
      }
    };
    await Promise.all(Array.from({ length: Math.min(EMBED_CONCURRENCY, call.texts.length) }, worker));
    return { vectors, model: version || call.target.model, inputTokens: reported ? tokens : null };
  },
} satisfies Provider;
