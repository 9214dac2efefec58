import type { ProviderRecord } from "../../catalog/catalog.ts";
import { GatewayError, notFound } from "../../errors.ts";
import { ANTHROPIC_VERSION } from "../../providers/anthropic/index.ts";
import { providerSecrets, scrub } from "../../providers/errors.ts";
import { geminiRoot } from "../../providers/gemini/root.ts";
import { GigaChatTokens } from "../../providers/gigachat/token.ts";
import { readCapped, tlsInit } from "../../providers/http.ts";
import type { AdminServices } from "../services.ts";
import type { ConnectionTest, UpstreamModel } from "./model.ts";

/** What this resource reads and writes. */
export type ConnectionDeps = Pick<AdminServices, "catalog">;

/** A model list larger than this is cut (OpenRouter's, with descriptions, is a few MB). */
const MAX_LIST_BYTES = 16 * 1024 * 1024;
const MAX_MODELS = 5000;

/** Its own token cache: a connection test must not disturb the one live traffic uses. */
const gigachatTokens = new GigaChatTokens();

type Listing = {
  url: string;
  headers: Record<string, string>;
  parse: (j: unknown) => UpstreamModel[];
  /** Credentials made for this call (GigaChat's access token): scrubbed like the key. */
  secrets?: string[];
};

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** `{data: [{id, name | display_name}]}`: OpenAI, OpenRouter and the compatible ones, Anthropic, GigaChat. */
function parseData(j: unknown): UpstreamModel[] {
  const data = rec(j).data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((m) => {
    const id = str(rec(m).id);
    return id ? [{ id, name: str(rec(m).display_name) ?? str(rec(m).name) }] : [];
  });
}

/** Gemini: `{models: [{name: "models/gemini-2.5-flash", displayName}]}`; routes take the id without "models/". */
function parseGemini(j: unknown): UpstreamModel[] {
  const models = rec(j).models;
  if (!Array.isArray(models)) return [];
  return models.flatMap((m) => {
    const id = str(rec(m).name)?.replace(/^models\//, "");
    return id ? [{ id, name: str(rec(m).displayName) }] : [];
  });
}

/** Where each kind lists its models, with its own credentials (null: the kind has no list). */
async function listing(p: ProviderRecord): Promise<Listing | null> {
  const base = p.baseUrl.replace(/\/+$/, "");
  const accept = { ...p.headers, accept: "application/json" };
  switch (p.kind) {
    case "anthropic": {
      const headers: Record<string, string> = { ...accept, "anthropic-version": ANTHROPIC_VERSION };
      if (p.apiKey) headers["x-api-key"] = p.apiKey;
      return {
        url: `${base}${/\/v\d+$/.test(base) ? "" : "/v1"}/models?limit=1000`,
        headers,
        parse: parseData,
      };
    }
    case "gemini": {
      const headers: Record<string, string> = { ...accept };
      if (p.apiKey) headers["x-goog-api-key"] = p.apiKey;
      return { url: `${geminiRoot(p.baseUrl)}/models?pageSize=1000`, headers, parse: parseGemini };
    }
    case "gigachat": {
      const token = await gigachatTokens.get(p);
      return {
        url: `${base}/models`,
        headers: { ...accept, authorization: `Bearer ${token}` },
        parse: parseData,
        secrets: [token],
      };
    }
    // Yandex Foundation Models has no list of models: routes name them (yandexgpt/latest).
    case "yandex":
      return null;
    default: {
      const headers: Record<string, string> = { ...accept };
      if (p.apiKey) headers.authorization = `Bearer ${p.apiKey}`;
      return { url: `${base}/models`, headers, parse: parseData };
    }
  }
}

const sorted = (models: UpstreamModel[]) => {
  const seen = new Map<string, UpstreamModel>();
  for (const m of models) if (!seen.has(m.id)) seen.set(m.id, m);
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id)).slice(0, MAX_MODELS);
};

/**
 * Tests a provider by listing the upstream's models with the stored credentials: proves
 * URL and key without spending tokens, and hands the panel the ids to route to. Nothing
 * the upstream says reaches the panel unscrubbed of the provider's secrets.
 */
export async function testConnection(gw: ConnectionDeps, id: string): Promise<ConnectionTest> {
  const p = gw.catalog.provider(id);
  if (!p) throw notFound(`No provider with id '${id}'.`, "provider_not_found");
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  let secrets = providerSecrets(p);
  try {
    const l = await listing(p);
    if (!l)
      return {
        ok: false,
        status: null,
        latency_ms: 0,
        message:
          "This kind of provider does not list its models: name them in the routes (e.g. yandexgpt/latest).",
        models: null,
      };
    secrets = [...secrets, ...(l.secrets ?? [])];
    // Stored credentials never follow a redirect to wherever it points: a 3xx is an answer.
    const res = await fetch(l.url, {
      headers: l.headers,
      redirect: "manual",
      signal: AbortSignal.timeout(Math.min(p.timeouts.connectMs, 15_000)),
      ...tlsInit(p),
    });
    if (!res.ok) {
      const text = scrub((await readCapped(res, 64 * 1024, "truncate")).slice(0, 300), secrets);
      return {
        ok: false,
        status: res.status,
        latency_ms: latency(),
        message: `The provider answered HTTP ${res.status}: ${text}`,
        models: null,
      };
    }
    const text = await readCapped(res, MAX_LIST_BYTES, "truncate");
    let models: UpstreamModel[] = [];
    try {
      models = sorted(l.parse(JSON.parse(text)));
    } catch {
      // Connected, but the list is not JSON (or was cut): say so rather than fail the test.
    }
    return {
      ok: true,
      status: res.status,
      latency_ms: latency(),
      message:
        models.length > 0
          ? `Connected: the provider lists ${models.length} model${models.length === 1 ? "" : "s"}.`
          : "Connected, but the provider's answer lists no models.",
      models: models.map((m) => ({ id: scrub(m.id, secrets), name: m.name && scrub(m.name, secrets) })),
    };
  } catch (err) {
    const timeout = err instanceof Error && err.name === "TimeoutError";
    const message =
      err instanceof GatewayError
        ? scrub(err.message, secrets)
        : timeout
          ? "Timed out connecting to the provider."
          : "Could not connect to the provider.";
    return { ok: false, status: null, latency_ms: latency(), message, models: null };
  }
}
