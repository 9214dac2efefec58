import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { ConfigSchema } from "../config/schema.ts";
import { PROVIDER_SECRET, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { MockOpenAIMedia } from "../testing/mock-openai-media.ts";

/**
 * Models have a kind (chat, embeddings, image, video), declared or inferred from their
 * prices and routes: `auto` picks among chat models only, and an endpoint of one kind
 * refuses a model of another with a 400 in its own error shape before any upstream call.
 */
let chat: MockOpenAI;
let media: MockOpenAIMedia;
let tg: TestGateway;

beforeAll(async () => {
  chat = new MockOpenAI().start();
  media = new MockOpenAIMedia().start();
  tg = await TestGateway.start({
    config: `
currency: USD
defaults: { rate_limits: { key_rpm: 1000 }, max_output_tokens: 100 }
routing: { max_attempts: 1 }
providers:
  - { id: mock, kind: openai, base_url: "${chat.url}", api_key: ${PROVIDER_SECRET} }
  - { id: media, kind: openai, base_url: "${media.url}", api_key: sk-mock-media-key }
  - { id: refused, kind: openai, base_url: "http://127.0.0.1:1/v1", api_key: x }
models:
  - id: qwen:qwen-flash
    routes: [{ provider: mock, model: mock-gpt }]
    prices: { input: 1, output: 2 }
  - id: text-embedding-3-small
    routes: [{ provider: media, model: text-embedding-3-small }]
    prices: { input: 0.02 }
  - id: free-embed
    kind: embeddings
    owned_by: BAAI
    routes: [{ provider: media, model: bge-m3 }]
  - id: gpt-image
    routes: [{ provider: media, model: gpt-image-1 }]
    prices: { image: { "*": 0.04 } }
  - id: sora
    routes: [{ provider: media, model: sora-2 }]
    prices: { video_second: 0.1 }
  - id: flaky-chat
    routes: [{ provider: refused, model: gone }]
    prices: { input: 5, output: 5 }
    fallbacks: [text-embedding-3-small]
`,
  });
});
afterAll(async () => {
  await tg.stop();
  chat.stop();
  media.stop();
});
beforeEach(() => {
  chat.reset();
  media.reset();
});

const NOT_CHAT = ["text-embedding-3-small", "free-embed", "gpt-image", "sora"];

async function post(key: string, path: string, body: unknown) {
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  type ErrorBody = { type?: string; model?: string; error: { [k: string]: unknown; message: string } };
  return { status: res.status, headers: res.headers, body: (await res.json()) as ErrorBody };
}

const chatCalls: Record<string, (model: string) => [string, unknown]> = {
  "chat completions": (model) => [
    "/v1/chat/completions",
    { model, messages: [{ role: "user", content: "hi" }] },
  ],
  responses: (model) => ["/v1/responses", { model, input: "hi" }],
  messages: (model) => [
    "/v1/messages",
    { model, max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
  ],
  generateContent: (model) => [
    `/v1beta/models/${model}:generateContent`,
    { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
  ],
};

describe("model: auto", () => {
  test("picks among chat models only, though the others' token prices are 0", async () => {
    const c = await tg.client(1);
    const r = await post(c.key, "/v1/chat/completions", {
      model: "auto",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-tollgate-model")).toBe("qwen:qwen-flash");
    expect(chat.received.map((x) => x.body.model)).toEqual(["mock-gpt"]);
    expect(media.received).toHaveLength(0);
  });

  test("on a media endpoint is refused: it chooses chat models", async () => {
    const c = await tg.client(1);
    const r = await post(c.key, "/v1/embeddings", { model: "auto", input: "x" });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("model_kind_mismatch");
    expect(media.received).toHaveLength(0);
  });
});

describe("a call to a model of another kind is a 400 in the route's own shape, before any upstream", () => {
  for (const [name, call] of Object.entries(chatCalls))
    test(`${name} to embeddings, image and video models`, async () => {
      const c = await tg.client(1);
      for (const model of NOT_CHAT) {
        const [path, body] = call(model);
        const r = await post(c.key, path, body);
        expect(r.status).toBe(400);
        if (name === "messages") {
          expect(r.body.type).toBe("error");
          expect(r.body.error.type).toBe("invalid_request_error");
        } else if (name === "generateContent") {
          expect(r.body.error.status).toBe("INVALID_ARGUMENT");
        } else {
          expect(r.body.error).toMatchObject({ code: "model_kind_mismatch", param: "model" });
        }
        expect(r.body.error.message).toContain(`'${model}'`);
        expect(r.body.error.message).toContain("model: it serves");
      }
      expect(chat.received).toHaveLength(0);
      expect(media.received).toHaveLength(0);
      const rows = await tg.logRows(c.keyId);
      expect(rows.map((x) => x.error_code)).toEqual(NOT_CHAT.map(() => "model_kind_mismatch"));
      expect(rows.every((x) => x.cost === 0)).toBe(true);
    });

  test("embeddings to a chat model", async () => {
    const c = await tg.client(1);
    const r = await post(c.key, "/v1/embeddings", { model: "qwen:qwen-flash", input: "x" });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "model_kind_mismatch", param: "model" });
    expect(chat.received).toHaveLength(0);
    expect(media.received).toHaveLength(0);
  });

  test("a fallback of another kind is not tried for a chat call", async () => {
    const c = await tg.client(1);
    const r = await post(c.key, "/v1/chat/completions", {
      model: "flaky-chat",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(r.status).toBe(502);
    expect(media.received).toHaveLength(0);
  });

  test("the declared and inferred kinds still serve their own endpoints", async () => {
    const c = await tg.client(1);
    for (const model of ["text-embedding-3-small", "free-embed"]) {
      const r = await post(c.key, "/v1/embeddings", { model, input: "x" });
      expect(r.status).toBe(200);
      expect(r.body.model).toBe(model);
      // Media answers carry no route header either unless the deployment turns it on.
      expect(r.headers.get("x-tollgate-route")).toBeNull();
    }
  });
});

test("/v1/models shows each model's kind and public owner", async () => {
  const c = await tg.client(1);
  const res = await fetch(`${tg.url}/v1/models`, { headers: { authorization: `Bearer ${c.key}` } });
  const { data } = (await res.json()) as { data: { id: string; owned_by: string; kind: string }[] };
  const by = Object.fromEntries(data.map((m) => [m.id, { kind: m.kind, owned_by: m.owned_by }]));
  expect(by).toMatchObject({
    "qwen:qwen-flash": { kind: "chat", owned_by: "qwen" },
    "text-embedding-3-small": { kind: "embeddings", owned_by: "tollgate" },
    "free-embed": { kind: "embeddings", owned_by: "BAAI" },
    "gpt-image": { kind: "image" },
    sora: { kind: "video" },
    auto: { kind: "chat", owned_by: "tollgate" },
  });
  for (const m of data) expect(["mock", "media", "refused"]).not.toContain(m.owned_by);
});

describe("admin API and config", () => {
  test("kind and owned_by are declared, shown with where the kind came from, and cleared back to inferred", async () => {
    const created = await tg.admin("POST", "/models", {
      id: "acme/e5",
      kind: "embeddings",
      owned_by: "Acme",
      routes: [{ provider: "media", model: "e5-large" }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "embeddings", kind_source: "declared", owned_by: "Acme" });
    const cleared = await tg.admin("PATCH", "/models/acme/e5", { kind: null, owned_by: null });
    expect(cleared.body).toMatchObject({ kind: "chat", kind_source: "inferred", owned_by: "acme" });
    const list = await tg.admin<{ data: { id: string; kind: string }[] }>("GET", "/models");
    expect(list.body.data.find((m) => m.id === "sora")?.kind).toBe("video");
    const bad = await tg.admin("POST", "/models", {
      id: "bad",
      kind: "audio",
      routes: [{ provider: "media", model: "x" }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("kind");
  });

  test("the config refuses an unknown kind", () => {
    const r = ConfigSchema.safeParse({
      providers: [{ id: "p", kind: "openai", base_url: "http://127.0.0.1:1/v1" }],
      models: [{ id: "m", kind: "audio", routes: [{ provider: "p", model: "x" }] }],
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('"kind"');
  });
});
