import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestGateway } from "../testing/harness.ts";
import { startMatrix } from "../testing/matrix.ts";
import type { MockAnthropic } from "../testing/mock-anthropic.ts";
import type { MockGemini } from "../testing/mock-gemini.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";
import type { MockUpstream } from "../testing/mock-upstream.ts";

/** How clients reach the surfaces (auth headers, base URLs) and what crosses dialects besides text. */
let mocks: Map<string, MockUpstream>;
let tg: TestGateway;
let stop: () => Promise<void>;
const openai = () => mocks.get("openai") as MockOpenAI;
const anthropic = () => mocks.get("anthropic") as MockAnthropic;
const gemini = () => mocks.get("gemini") as MockGemini;

beforeAll(async () => {
  ({ tg, mocks, stop } = await startMatrix());
});
afterAll(() => stop());

const post = (path: string, headers: Record<string, string>, body: unknown) =>
  fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("auth headers and base-URL spellings", () => {
  test("/v1/messages: x-api-key or Bearer, anthropic-version and ?beta=true accepted, /v1/v1 alias", async () => {
    const k = await tg.client(1);
    const msg = { model: "m-openai", max_tokens: 20, messages: [{ role: "user", content: "hi" }] };
    for (const [path, headers] of [
      [
        "/v1/messages?beta=true",
        { "x-api-key": k.key, "anthropic-version": "2023-06-01", "anthropic-beta": "claude-code-20250219" },
      ],
      ["/v1/messages", { authorization: `Bearer ${k.key}` }],
      ["/v1/v1/messages?beta=true", { "x-api-key": k.key }],
    ] as const) {
      const res = await post(path, headers, msg);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { type: string }).type).toBe("message");
    }
  });

  test("the Anthropic SDK with a base URL ending in /v1 (as guides print it) works", async () => {
    const k = await tg.client(1);
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    const client = new Anthropic({ apiKey: k.key, baseURL: `${tg.url}/v1`, maxRetries: 0 });
    const m = await client.messages.create({
      model: "m-gemini",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(m.content[0]).toMatchObject({ type: "text", text: "Hello from the mock upstream." });
  });

  test("Gemini: x-goog-api-key, ?key= and Bearer; /v1beta, /v1/v1beta and /v1/models spellings", async () => {
    const k = await tg.client(1);
    const body = { contents: [{ parts: [{ text: "hi" }] }] };
    for (const [path, headers] of [
      ["/v1beta/models/m-openai:generateContent", { "x-goog-api-key": k.key }],
      [`/v1beta/models/m-openai:generateContent?key=${k.key}`, {}],
      ["/v1beta/models/m-openai:generateContent", { authorization: `Bearer ${k.key}` }],
      ["/v1/v1beta/models/m-openai:generateContent", { "x-goog-api-key": k.key }],
      ["/v1/models/m-openai:generateContent", { "x-goog-api-key": k.key }],
    ] as const) {
      const res = await post(path, headers, body);
      expect(res.status).toBe(200);
      const j = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
      expect(j.candidates[0]?.content.parts[0]?.text).toBe("Hello from the mock upstream.");
    }
  });

  test("/v1/v1/responses and /v1/v1/chat/completions answer like their /v1 spellings", async () => {
    const k = await tg.client(1);
    const r = await post(
      "/v1/v1/responses",
      { authorization: `Bearer ${k.key}` },
      { model: "m-anthropic", input: "hi" },
    );
    expect(((await r.json()) as { output_text?: string; status: string }).status).toBe("completed");
    const c = await post(
      "/v1/v1/chat/completions",
      { authorization: `Bearer ${k.key}` },
      { model: "m-gemini", messages: [{ role: "user", content: "hi" }] },
    );
    expect(c.status).toBe(200);
  });

  test("count_tokens and countTokens: counted locally, not billed", async () => {
    const k = await tg.client(1);
    const a = await post(
      "/v1/messages/count_tokens",
      { "x-api-key": k.key },
      { model: "m-openai", messages: [{ role: "user", content: "hello there" }] },
    );
    expect(((await a.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(2);
    const g = await post(
      "/v1beta/models/m-openai:countTokens",
      { "x-goog-api-key": k.key },
      { contents: [{ parts: [{ text: "hello there" }] }] },
    );
    expect(((await g.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(2);
    expect(await tg.logRows(k.keyId)).toEqual([]);
  });
});

describe("hints are dropped by name on the log row; features pass", () => {
  test("a Claude Code style request to an OpenAI upstream: cache_control, beta flags, context management logged as dropped", async () => {
    const k = await tg.client(1);
    openai().reset();
    const res = await post(
      "/v1/messages?beta=true",
      { "x-api-key": k.key, "anthropic-beta": "context-management-2025-06-27,effort-2025-11-24" },
      {
        model: "m-openai",
        max_tokens: 50,
        system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "hi" }],
        thinking: { type: "adaptive" },
        output_config: { effort: "high" },
        context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
      },
    );
    expect(res.status).toBe(200);
    const sent = openai().received[0]!.body;
    expect(JSON.stringify(sent)).not.toContain("cache_control");
    expect(sent.reasoning_effort).toBeUndefined();
    const [row] = await tg.logRows(k.keyId);
    expect(row?.dropped_fields).toEqual(
      expect.arrayContaining([
        "cache_control",
        "context_management",
        "reasoning",
        "anthropic-beta:context-management-2025-06-27",
        "anthropic-beta:effort-2025-11-24",
      ]),
    );
  });

  test("same dialect passes through untouched: Messages to Anthropic keeps cache_control and forwards anthropic-beta", async () => {
    const k = await tg.client(1);
    anthropic().reset();
    const body = {
      model: "m-anthropic",
      max_tokens: 50,
      messages: [
        { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
      ],
      context_management: { edits: [] },
    };
    const res = await post(
      "/v1/messages",
      { "x-api-key": k.key, "anthropic-beta": "context-management-2025-06-27" },
      body,
    );
    expect(res.status).toBe(200);
    const up = anthropic().received[0]!;
    expect(up.body).toEqual({ ...body, model: "up-anthropic" });
    expect(up.headers["anthropic-beta"]).toBe("context-management-2025-06-27");
    expect(up.headers["anthropic-version"]).toBe("2023-06-01");
    const [row] = await tg.logRows(k.keyId);
    expect(row?.dropped_fields).toEqual([]);
  });

  test("images cross dialects: a chat image_url reaches Anthropic as a base64 image block and Gemini as inlineData", async () => {
    const k = await tg.client(1);
    anthropic().reset();
    gemini().reset();
    const messages = [
      {
        role: "user" as const,
        content: [
          { type: "text" as const, text: "what is this?" },
          { type: "image_url" as const, image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
    ];
    await tg.openai(k.key).chat.completions.create({ model: "m-anthropic", messages });
    await tg.openai(k.key).chat.completions.create({ model: "m-gemini", messages });
    const a = anthropic().received[0]!.body as { messages: { content: Record<string, unknown>[] }[] };
    expect(a.messages[0]?.content[1]).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: PNG },
    });
    const g = gemini().received[0]!.body as { contents: { parts: Record<string, unknown>[] }[] };
    expect(g.contents[0]?.parts[1]).toEqual({ inlineData: { mimeType: "image/png", data: PNG } });
  });
});

describe("image output (image models)", () => {
  test("Gemini inlineData images show as message.images[] and delta.images on the chat route", async () => {
    const k = await tg.client(1);
    gemini().next({ text: "Here it is.", images: [{ mediaType: "image/png", data: PNG }] });
    const r = await post(
      "/v1/chat/completions",
      { authorization: `Bearer ${k.key}` },
      {
        model: "m-gemini",
        modalities: ["image", "text"],
        image_config: { aspect_ratio: "16:9" },
        messages: [{ role: "user", content: "draw" }],
      },
    );
    const j = (await r.json()) as {
      choices: { message: { content: string; images: { image_url: { url: string } }[] } }[];
    };
    expect(j.choices[0]?.message.content).toBe("Here it is.");
    expect(j.choices[0]?.message.images[0]?.image_url.url).toBe(`data:image/png;base64,${PNG}`);
    const sent = gemini().received.at(-1)!.body as { generationConfig: Record<string, unknown> };
    expect(sent.generationConfig).toMatchObject({
      responseModalities: ["IMAGE", "TEXT"],
      imageConfig: { aspectRatio: "16:9" },
    });

    gemini().next({ text: "Here it is.", images: [{ mediaType: "image/png", data: PNG }] });
    const s = await tg.openai(k.key).chat.completions.create({
      model: "m-gemini",
      messages: [{ role: "user", content: "draw" }],
      stream: true,
    });
    const images: string[] = [];
    for await (const ch of s) {
      const d = ch.choices[0]?.delta as { images?: { image_url: { url: string } }[] } | undefined;
      for (const im of d?.images ?? []) images.push(im.image_url.url);
    }
    expect(images).toEqual([`data:image/png;base64,${PNG}`]);
  });

  test("an OpenAI-style image answer reaches a Gemini client as inlineData", async () => {
    const k = await tg.client(1);
    openai().next({ text: "Done.", images: [{ mediaType: "image/png", data: PNG }] });
    const r = await tg.gemini(k.key).models.generateContent({
      model: "m-openai",
      contents: "draw",
      config: { responseModalities: ["IMAGE", "TEXT"] },
    });
    const parts = r.candidates?.[0]?.content?.parts ?? [];
    expect(parts.find((p) => p.inlineData)?.inlineData).toEqual({ mimeType: "image/png", data: PNG });
  });
});

describe("streams across dialects keep the billing rules", () => {
  test("client leaves an Anthropic stream served by an OpenAI upstream: upstream aborted, prompt and produced output billed", async () => {
    const k = await tg.client(1);
    openai().reset();
    openai().next({
      text: "one two three four five six seven eight nine ten",
      chunks: 10,
      chunkDelayMs: 150,
      usage: { prompt_tokens: 40, completion_tokens: 10 },
    });
    const ctrl = new AbortController();
    const res = await fetch(`${tg.url}/v1/messages`, {
      method: "POST",
      signal: ctrl.signal,
      headers: { "content-type": "application/json", "x-api-key": k.key },
      body: JSON.stringify({
        model: "m-openai",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "count" }],
      }),
    });
    const reader = res.body!.getReader();
    let seen = "";
    while (!seen.includes("text_delta")) seen += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    for (let i = 0; i < 50 && openai().aborts.length === 0; i++) await Bun.sleep(20);
    expect(openai().aborts.length).toBeGreaterThan(0);
    let row: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !row; i++) {
      [row] = await tg.logRows(k.keyId);
      if (!row) await Bun.sleep(20);
    }
    expect(row).toMatchObject({ outcome: "client_closed", status: 499, usage_source: "estimated" });
    expect(row?.output_tokens as number).toBeGreaterThan(0);
    expect(row?.output_tokens as number).toBeLessThan(10);
    expect(row?.cost as number).toBeGreaterThan(0);
  });

  test("an upstream that breaks mid-stream: the Responses client gets response.failed; what was delivered is billed", async () => {
    const k = await tg.client(1);
    anthropic().next({
      text: "a b c d e f g h",
      chunks: 8,
      dropAfterChunks: 3,
      usage: { prompt_tokens: 30, completion_tokens: 8 },
    });
    const res = await post(
      "/v1/responses",
      { authorization: `Bearer ${k.key}` },
      { model: "m-anthropic", input: "x", stream: true },
    );
    const text = await res.text();
    expect(text).toContain("response.output_text.delta");
    expect(text).toContain("event: response.failed");
    expect(text).not.toContain("response.completed");
    const [row] = await tg.logRows(k.keyId);
    // Anthropic reported the input at message_start: the input is the upstream's, the output at least what was forwarded.
    expect(row).toMatchObject({ outcome: "error", input_tokens: 30, usage_source: "upstream" });
    expect(row?.output_tokens as number).toBeGreaterThan(0);
  });

  test("Gemini streaming without alt=sse is one JSON array", async () => {
    const k = await tg.client(1);
    const res = await post(
      "/v1beta/models/m-anthropic:streamGenerateContent",
      { "x-goog-api-key": k.key },
      { contents: [{ parts: [{ text: "hi" }] }] },
    );
    expect(res.headers.get("content-type")).toContain("application/json");
    const arr = (await res.json()) as {
      candidates: { content: { parts: { text?: string }[] }; finishReason?: string }[];
      usageMetadata?: unknown;
    }[];
    expect(arr.map((c) => c.candidates[0]?.content.parts[0]?.text ?? "").join("")).toBe(
      "Hello from the mock upstream.",
    );
    expect(arr.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
    expect(arr.at(-1)?.usageMetadata).toBeDefined();
  });
});

describe("Anthropic prompt caching is billed exactly", () => {
  test("without cache-write prices: writes at the input price, reads at the cached price, translated and passed through alike", async () => {
    // 10 fresh + 100 written to the cache + 50 read from it = 160 prompt tokens; 5 out.
    const usage = { prompt_tokens: 160, completion_tokens: 5, cached_tokens: 50, cache_creation_tokens: 100 };
    const cost = ((160 - 50) * 1 + 50 * 0.5 + 5 * 2) / 1e6;
    const k = await tg.client(1);
    anthropic().next({ usage }, { usage: { ...usage }, chunks: 2 });
    const chat = await tg
      .openai(k.key)
      .chat.completions.create({ model: "m-anthropic", messages: [{ role: "user", content: "hi" }] });
    expect(chat.usage).toMatchObject({
      prompt_tokens: 160,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 50 },
    });
    const m = await tg
      .anthropic(k.key)
      .messages.stream({ model: "m-anthropic", max_tokens: 20, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(m.usage).toMatchObject({
      input_tokens: 10,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 50,
      output_tokens: 5,
    });
    const rows = await tg.logRows(k.keyId);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        input_tokens: 160,
        cached_tokens: 50,
        output_tokens: 5,
        usage_source: "upstream",
      });
      expect(row.cost as number).toBeCloseTo(cost, 12);
    }
  });

  test("with cache-write prices: five-minute and one-hour writes at their own prices, on the bill and the log", async () => {
    const set = (prices: Record<string, number | null>) =>
      tg.admin("PATCH", "/models/m-anthropic", { prices });
    expect((await set({ cache_write: 1.25, cache_write_1h: 2 })).status).toBe(200);
    try {
      // 10 fresh + 100 written (60 for five minutes, 40 for one hour) + 50 read = 160 prompt tokens; 5 out.
      const usage = {
        prompt_tokens: 160,
        completion_tokens: 5,
        cached_tokens: 50,
        cache_creation_tokens: 100,
        cache_creation_1h_tokens: 40,
      };
      const cost = (10 * 1 + 60 * 1.25 + 40 * 2 + 50 * 0.5 + 5 * 2) / 1e6;
      const k = await tg.client(1);
      anthropic().next({ usage }, { usage: { ...usage }, chunks: 2 });
      const chat = await tg
        .openai(k.key)
        .chat.completions.create({ model: "m-anthropic", messages: [{ role: "user", content: "hi" }] });
      expect(chat.usage).toMatchObject({ prompt_tokens: 160, prompt_tokens_details: { cached_tokens: 50 } });
      const m = await tg
        .anthropic(k.key)
        .messages.stream({
          model: "m-anthropic",
          max_tokens: 20,
          messages: [{ role: "user", content: "hi" }],
        })
        .finalMessage();
      expect(m.usage).toMatchObject({
        input_tokens: 10,
        cache_creation_input_tokens: 100,
        cache_creation: { ephemeral_5m_input_tokens: 60, ephemeral_1h_input_tokens: 40 },
      });
      const rows = await tg.logRows(k.keyId);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({ input_tokens: 160, cache_write_tokens: 100, cache_write_1h_tokens: 40 });
        expect(row.cost as number).toBeCloseTo(cost, 12);
      }
      const ledger = await tg.sqlRow<{ spent: number }>(
        "SELECT coalesce(sum(-amount), 0) AS spent FROM ledger WHERE key_id = ? AND kind = 'charge'",
        k.keyId,
      );
      expect(ledger.spent).toBe(Math.round(2 * cost * 1e9));

      const model = await tg.admin<{ prices: unknown }>("GET", "/models/m-anthropic");
      expect(model.body.prices).toMatchObject({ cache_write: 1.25, cache_write_1h: 2 });
    } finally {
      expect((await set({ cache_write: null, cache_write_1h: null })).status).toBe(200);
    }
  });
});

describe("Responses to an OpenAI upstream with the Responses API: pass-through", () => {
  test("the body goes to /v1/responses untouched (built-in tools included), the stream comes back as sent, usage billed", async () => {
    const {
      tg: t2,
      mocks: m2,
      stop,
    } = await startMatrix("", { openai: "    options: { responses_api: true }" });
    try {
      const up = m2.get("openai")!;
      up.next({ text: "Hi there.", usage: { prompt_tokens: 12, completion_tokens: 3, cached_tokens: 2 } });
      const k = await t2.client(1);
      const body = {
        model: "m-openai",
        input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
        tools: [{ type: "web_search" }],
        include: ["reasoning.encrypted_content"],
        store: false,
        stream: true,
      };
      const res = await fetch(`${t2.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${k.key}` },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(up.received[0]!.path).toBe("/v1/responses");
      // Untouched but for the model id and the output limit that was reserved for.
      const { max_output_tokens: limit, ...passed } = up.received[0]!.body;
      expect(passed).toEqual({ ...body, model: "up-openai" });
      expect(limit).toBeGreaterThan(0);
      expect(text).toContain("response.output_text.delta");
      expect(text.trim().split("\n\n").at(-1)).toContain("event: response.completed");
      const [row] = await t2.logRows(k.keyId);
      expect(row).toMatchObject({
        input_tokens: 12,
        cached_tokens: 2,
        output_tokens: 3,
        usage_source: "upstream",
        dropped_fields: [],
      });

      up.next({ toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}' }] });
      const r = await t2.openai(k.key).responses.create({ model: "m-openai", input: "weather?" });
      expect(r.output[0]).toMatchObject({
        type: "function_call",
        name: "get_weather",
        arguments: '{"city":"Oslo"}',
      });
    } finally {
      await stop();
    }
  });
});
