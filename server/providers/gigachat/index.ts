import { unsupportedFeature } from "../../core/features.ts";
import { num, objs } from "../../core/wire-json.ts";
import { gigachatCodec } from "../../dialects/gigachat/index.ts";
import { ClientClosed, upstreamInvalid } from "../errors.ts";
import type { ChatCall, EmbeddingsCall, EmbeddingsResult, Provider, UpstreamResult } from "../provider.ts";
import { upstreamBody } from "../translate-body.ts";
import { postUpstream } from "../upstream-call.ts";
import { GigaChatTokens } from "./token.ts";

/** One token cache for the process: tokens are per provider and credentials inside it. */
const tokens = new GigaChatTokens();

/** Waits for `p` unless the client leaves first (the shared token fetch carries on for others). */
function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ClientClosed());
  return new Promise<T>((resolve, reject) => {
    const gone = () => reject(new ClientClosed());
    signal.addEventListener("abort", gone, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", gone));
  });
}

async function authHeaders(call: Pick<ChatCall, "target" | "signal">): Promise<Record<string, string>> {
  const token = await unlessAborted(tokens.get(call.target.provider), call.signal);
  return { authorization: `Bearer ${token}` };
}

function request(call: Pick<ChatCall, "target" | "signal">) {
  const { provider } = call.target;
  return {
    base: provider.baseUrl.replace(/\/+$/, ""),
    secrets: [provider.apiKey],
    // GigaChat answers 401 to a token it revoked early: fetch a fresh one and retry once.
    refreshAuth: () => {
      tokens.invalidate(provider);
      return authHeaders(call);
    },
  };
}

/**
 * Sber's GigaChat (base_url e.g. https://gigachat.devices.sberbank.ru/api/v1). api_key is
 * the authorization key; options: `scope` (GIGACHAT_API_PERS | _B2B | _CORP), `auth_url`,
 * and the TLS options `tls_verify` / `ca_cert` (its endpoints use the Russian Trusted Root CA).
 */
export const gigachatProvider = {
  kind: "gigachat",

  async chat(call: ChatCall): Promise<UpstreamResult> {
    const body = upstreamBody(call, gigachatCodec);
    const r = request(call);
    return postUpstream(call, {
      url: `${r.base}/chat/completions`,
      headers: await authHeaders(call),
      body,
      dialect: gigachatCodec,
      secrets: r.secrets,
      refreshAuth: r.refreshAuth,
    });
  },

  /** POST /embeddings {model, input: [texts]}; usage comes per item and is summed. */
  async embeddings(call: EmbeddingsCall): Promise<EmbeddingsResult> {
    if (call.tokenInput) throw unsupportedFeature("token-id input", "GigaChat", "input");
    if (call.dimensions !== null) throw unsupportedFeature("dimensions", "GigaChat", "dimensions");
    const r = request(call);
    const res = await postUpstream(
      { ...call, stream: false },
      {
        url: `${r.base}/embeddings`,
        headers: await authHeaders(call),
        body: { model: call.target.model, input: call.texts },
        dialect: "openai-embeddings",
        secrets: r.secrets,
        refreshAuth: r.refreshAuth,
      },
    );
    if (res.kind !== "json") throw upstreamInvalid("a stream where JSON was expected");
    const items = objs(res.body.data).sort((a, b) => (num(a.index) ?? 0) - (num(b.index) ?? 0));
    if (items.length !== call.texts.length)
      throw upstreamInvalid("a different number of embeddings than inputs");
    let tokensUsed: number | null = null;
    const vectors = items.map((it) => {
      const used = num((it.usage as Record<string, unknown> | undefined)?.prompt_tokens);
      if (used !== undefined) tokensUsed = (tokensUsed ?? 0) + used;
      if (!Array.isArray(it.embedding)) throw upstreamInvalid("an embedding that is not a list of numbers");
      return it.embedding as number[];
    });
    return {
      vectors,
      model: typeof res.body.model === "string" ? res.body.model : call.target.model,
      inputTokens: tokensUsed,
    };
  },
} satisfies Provider;
