import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { TestGateway } from "../testing/harness.ts";
import { GEMINI_KEY, MockGeminiEmbeddings } from "../testing/mock-gemini-embeddings.ts";
import { GIGACHAT_AUTH_KEY, MockGigaChat } from "../testing/mock-gigachat.ts";
import { MockOpenAIMedia, mockEmbeddingTokens, mockVector } from "../testing/mock-openai-media.ts";
import { MockYandex, YANDEX_API_KEY, YANDEX_FOLDER } from "../testing/mock-yandex.ts";

let media: MockOpenAIMedia;
let giga: MockGigaChat;
let ya: MockYandex;
let gem: MockGeminiEmbeddings;
let tg: TestGateway;

beforeAll(async () => {
  media = new MockOpenAIMedia().start();
  giga = new MockGigaChat().start();
  ya = new MockYandex().start();
  gem = new MockGeminiEmbeddings().start();
  tg = await TestGateway.start({
    config: `
currency: USD
defaults: { rate_limits: { key_rpm: 1000 } }
providers:
  - { id: media, kind: openai, base_url: "${media.url}", api_key: sk-mock-media-key }
  - id: giga
    kind: gigachat
    base_url: ${giga.apiUrl}
    api_key: ${GIGACHAT_AUTH_KEY}
    options: { auth_url: ${giga.authUrl} }
  - { id: gem, kind: gemini, base_url: "${gem.origin}", api_key: ${GEMINI_KEY} }
  - { id: ya, kind: yandex, base_url: "${ya.apiUrl}", api_key: ${YANDEX_API_KEY}, options: { folder_id: ${YANDEX_FOLDER} } }
models:
  - id: text-embedding-3-small
    routes: [{ provider: media, model: text-embedding-3-small-2024 }]
    prices: { input: 0.02 }
  - id: giga-embeddings
    routes: [{ provider: giga, model: Embeddings }]
    prices: { input: 0.5 }
  - id: gemini-embedding
    routes: [{ provider: gem, model: gemini-embedding-001 }]
    prices: { input: 0.15 }
  - id: ya-embeddings
    routes: [{ provider: ya, model: text-search-doc/latest }]
    prices: { input: 0.1 }
`,
  });
});
afterAll(async () => {
  await tg.stop();
  media.stop();
  giga.stop();
  ya.stop();
  gem.stop();
});
beforeEach(() => {
  media.reset();
  giga.reset();
  ya.reset();
  gem.reset();
});

async function used(key: string): Promise<number> {
  const r = await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } });
  return ((await r.json()) as { used: number }).used;
}

const apiError = (e: unknown) => e as InstanceType<typeof OpenAI.APIError>;

describe("POST /v1/embeddings through the openai SDK", () => {
  test("float vectors, the public model id, usage, billed per input token at the input price", async () => {
    const c = await tg.client(1);
    const inputs = ["hello embedding world", "b"];
    const res = await c.openai.embeddings.create({
      model: "text-embedding-3-small",
      input: inputs,
      encoding_format: "float",
    });
    expect(res.data.map((d) => d.embedding)).toEqual([mockVector(inputs[0]!, 0), mockVector(inputs[1]!, 1)]);
    expect(res.model).toBe("text-embedding-3-small");
    const tokens = mockEmbeddingTokens(inputs);
    expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(media.requests("/v1/embeddings")[0]?.body).toMatchObject({
      model: "text-embedding-3-small-2024",
      input: inputs,
      encoding_format: "float",
    });
    expect(await used(c.key)).toBeCloseTo((tokens * 0.02) / 1e6, 12);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({
      endpoint: "embeddings",
      status: 200,
      input_tokens: tokens,
      output_tokens: 0,
      usage_source: "upstream",
      provider: "media",
    });
  });

  test("base64 (the SDK's default) passes through, and the SDK decodes the same floats; dimensions go upstream", async () => {
    const c = await tg.client(1);
    const res = await c.openai.embeddings.create({
      model: "text-embedding-3-small",
      input: "one two",
      dimensions: 8,
    });
    expect(res.data[0]?.embedding).toEqual(mockVector("one two", 0, 8));
    expect(media.requests("/v1/embeddings")[0]?.body).toMatchObject({
      encoding_format: "base64",
      dimensions: 8,
    });
    const raw = await fetch(`${tg.url}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "text-embedding-3-small", input: "x", encoding_format: "base64" }),
    });
    const body = (await raw.json()) as { data: { embedding: unknown }[] };
    expect(typeof body.data[0]?.embedding).toBe("string");
  });

  test("GigaChat embeddings: OAuth token, per-item usage summed, floats encoded as base64 for the SDK", async () => {
    const c = await tg.client(1);
    const inputs = ["Привет", "мир!"];
    const res = await c.openai.embeddings.create({ model: "giga-embeddings", input: inputs });
    expect(res.data.map((d) => d.embedding)).toEqual([
      [5.5625, -4.125, 0.8369140625, -1.5],
      [5.5625, -4.125, 0.8369140625, -1.5],
    ]);
    const tokens = inputs.reduce((n, t) => n + 3 + t.length, 0);
    expect(res.usage.prompt_tokens).toBe(tokens);
    const up = giga.requests("/api/v1/embeddings")[0]!;
    expect(up.body).toEqual({ model: "Embeddings", input: inputs });
    expect(up.headers.authorization).toMatch(/^Bearer /);
    expect(await used(c.key)).toBeCloseTo((tokens * 0.5) / 1e6, 12);
  });

  test("Yandex textEmbedding: one call per input with the emb:// URI and dim; numTokens summed", async () => {
    const c = await tg.client(1);
    const inputs = ["первый", "второй текст", "третий"];
    const res = await c.openai.embeddings.create({
      model: "ya-embeddings",
      input: inputs,
      dimensions: 6,
      encoding_format: "float",
    });
    expect(res.data).toHaveLength(3);
    expect(res.data.every((d) => d.embedding.length === 6)).toBe(true);
    const calls = ya.requests("/foundationModels/v1/textEmbedding");
    expect(
      calls.map((r) => r.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      inputs
        .map((text) => ({ modelUri: `emb://${YANDEX_FOLDER}/text-search-doc/latest`, text, dim: "6" }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    const tokens = inputs.reduce((n, t) => n + 2 + t.length, 0);
    expect(res.usage.prompt_tokens).toBe(tokens);
    expect(await used(c.key)).toBeCloseTo((tokens * 0.1) / 1e6, 12);
  });
});

describe("Gemini embeddings", () => {
  test("batchEmbedContents with outputDimensionality; no usage upstream, so the input is counted and billed as estimated", async () => {
    const c = await tg.client(1);
    const inputs = ["first text", "second"];
    const res = await c.openai.embeddings.create({ model: "gemini-embedding", input: inputs, dimensions: 5 });
    expect(res.data.map((d) => d.embedding)).toEqual([
      [10, 0, 0.125, 0.125, 0.125],
      [6, 1, 0.125, 0.125, 0.125],
    ]);
    const up = gem.requests("/v1beta/models/gemini-embedding-001:batchEmbedContents")[0]!;
    expect(up.headers["x-goog-api-key"]).toBe(GEMINI_KEY);
    expect(up.body).toEqual({
      requests: inputs.map((text) => ({
        model: "models/gemini-embedding-001",
        content: { parts: [{ text }] },
        outputDimensionality: 5,
      })),
    });
    const tokens = res.usage.prompt_tokens;
    expect(tokens).toBeGreaterThan(0);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({
      usage_source: "estimated",
      input_tokens: tokens,
      provider: "gem",
    });
    expect(await used(c.key)).toBeCloseTo((tokens * 0.15) / 1e6, 12);
  });
});

describe("embeddings errors, in the OpenAI shape, nothing billed", () => {
  test("an invalid body names the field; an unknown model is a 404", async () => {
    const c = await tg.client(1);
    const e1 = apiError(
      await c.openai.embeddings
        .create({ model: "text-embedding-3-small", input: "" })
        .catch((e: unknown) => e),
    );
    expect(e1.status).toBe(400);
    expect((e1.error as Record<string, unknown>).param).toBe("input");
    const e2 = apiError(
      await c.openai.embeddings.create({ model: "nope", input: "x" }).catch((e: unknown) => e),
    );
    expect(e2.status).toBe(404);
    expect((e2.error as Record<string, unknown>).code).toBe("model_not_found");
    expect(media.received).toHaveLength(0);
  });

  test("an upstream failure (after the retries) is a 502 without the provider key; the log row records it", async () => {
    const c = await tg.client(1);
    media.always("/embeddings", { status: 500, body: { error: { message: "boom sk-mock-media-key" } } });
    const e = apiError(
      await c.openai.embeddings
        .create({ model: "text-embedding-3-small", input: "x" })
        .catch((x: unknown) => x),
    );
    expect(e.status).toBe(502);
    expect(JSON.stringify(e.error)).not.toContain("sk-mock-media-key");
    expect(await used(c.key)).toBe(0);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({ status: 502, outcome: "error", cost: 0 });
    expect((log.body.data[0]!.attempts as unknown[]).length).toBe(media.requests("/v1/embeddings").length);
  });

  test("what GigaChat cannot do (dimensions, token ids) is a 400 naming it, before any upstream call", async () => {
    const c = await tg.client(1);
    const e1 = apiError(
      await c.openai.embeddings
        .create({ model: "giga-embeddings", input: "x", dimensions: 8 })
        .catch((x: unknown) => x),
    );
    expect(e1.status).toBe(400);
    expect((e1.error as Record<string, unknown>).code).toBe("unsupported_feature");
    expect(e1.message).toContain("dimensions");
    const e2 = apiError(
      await c.openai.embeddings
        .create({ model: "giga-embeddings", input: [1, 2, 3] })
        .catch((x: unknown) => x),
    );
    expect(e2.status).toBe(400);
    expect(e2.message).toContain("token-id input");
    expect(giga.requests("/api/v1/embeddings")).toHaveLength(0);
    expect(await used(c.key)).toBe(0);
  });

  test("a balance that cannot cover the input bound is a 402", async () => {
    const c = await tg.client("0.000000001");
    const e = apiError(
      await c.openai.embeddings
        .create({ model: "giga-embeddings", input: "a long enough text to cost more than one nano-unit" })
        .catch((x: unknown) => x),
    );
    expect(e.status).toBe(402);
    expect((e.error as Record<string, unknown>).code).toBe("insufficient_quota");
    expect(giga.requests("/api/v1/embeddings")).toHaveLength(0);
  });
});
