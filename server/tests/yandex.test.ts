import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { TestGateway } from "../testing/harness.ts";
import { MockYandex, YANDEX_API_KEY, YANDEX_FOLDER } from "../testing/mock-yandex.ts";

let mock: MockYandex;
let tg: TestGateway;

const weatherTool = {
  type: "function" as const,
  function: {
    name: "weatherTool",
    description: "Getting current weather in the specified city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

beforeAll(async () => {
  mock = new MockYandex().start();
  tg = await TestGateway.start({
    config: `
currency: RUB
defaults: { rate_limits: { key_rpm: 1000 }, max_output_tokens: 500 }
providers:
  - id: ya
    kind: yandex
    base_url: ${mock.apiUrl}
    api_key: ${YANDEX_API_KEY}
    options: { folder_id: ${YANDEX_FOLDER} }
  - id: ya-iam
    kind: yandex
    base_url: ${mock.apiUrl}
    api_key: t1.mock-iam-token
    options: { folder_id: ${YANDEX_FOLDER}, auth: iam_token }
models:
  - id: yandexgpt
    routes: [{ provider: ya, model: "yandexgpt:latest" }]
    prices: { input: 1.2, output: 1.2 }
  - id: yandexgpt-lite-rc
    routes: [{ provider: ya, model: "yandexgpt-lite/rc" }]
    prices: { input: 0.2, output: 0.2 }
  - id: yandexgpt-iam
    routes: [{ provider: ya-iam, model: yandexgpt }]
    prices: { input: 1, output: 1 }
`,
  });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});
beforeEach(() => {
  mock.reset();
  mock.auth = { scheme: "Api-Key", secret: YANDEX_API_KEY };
});

async function used(key: string): Promise<number> {
  const r = await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } });
  return ((await r.json()) as { used: number }).used;
}

describe("YandexGPT through chat completions (openai SDK)", () => {
  test("plain: Api-Key and folder headers, gpt:// model URI, completionOptions; text, stop and the bill", async () => {
    const c = await tg.client(10);
    const res = await c.openai.chat.completions.create({
      model: "yandexgpt",
      messages: [
        { role: "system", content: "Ты помощник." },
        { role: "user", content: "Привет" },
      ],
      temperature: 0.3,
      max_tokens: 200,
      top_p: 0.9,
    });
    expect(res.choices[0]?.message.content).toBe("Привет! Чем я могу помочь?");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 8 });
    const up = mock.requests("/foundationModels/v1/completion")[0]!;
    expect(up.headers.authorization).toBe(`Api-Key ${YANDEX_API_KEY}`);
    expect(up.headers["x-folder-id"]).toBe(YANDEX_FOLDER);
    expect(up.body).toEqual({
      modelUri: `gpt://${YANDEX_FOLDER}/yandexgpt/latest`,
      completionOptions: { stream: false, temperature: 0.3, maxTokens: "200" },
      messages: [
        { role: "system", text: "Ты помощник." },
        { role: "user", text: "Привет" },
      ],
    });
    expect(await used(c.key)).toBeCloseTo(((19 + 8) * 1.2) / 1e6, 9);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({
      provider: "ya",
      dropped_fields: ["top_p"],
      usage_source: "upstream",
    });
  });

  test("streaming: whole-text-so-far lines become deltas that add up to the answer; billed from the last usage", async () => {
    const c = await tg.client(10);
    const stream = await c.openai.chat.completions.create({
      model: "yandexgpt-lite-rc",
      messages: [{ role: "user", content: "Привет" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta?.content;
      if (d) deltas.push(d);
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(["Привет", "! Чем я", " могу помочь?"]);
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 8 });
    const up = mock.requests("/foundationModels/v1/completion")[0]!;
    expect((up.body as { modelUri: string; completionOptions: unknown }).modelUri).toBe(
      `gpt://${YANDEX_FOLDER}/yandexgpt-lite/rc`,
    );
    expect((up.body as { completionOptions: { stream: boolean } }).completionOptions.stream).toBe(true);
    expect(await used(c.key)).toBeCloseTo(((19 + 8) * 0.2) / 1e6, 9);
  });

  test("a tool call: tools and toolChoice sent; call with arguments and tool_calls finish; the result goes back as toolResultList", async () => {
    const c = await tg.client(10);
    mock.next("/completion", "completion-tool-calls");
    const res = await c.openai.chat.completions.create({
      model: "yandexgpt",
      messages: [{ role: "user", content: "What is the weather like in Saint Petersburg?" }],
      tools: [weatherTool],
      tool_choice: "required",
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.function.name).toBe("weatherTool");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Saint Petersburg" });
    expect(mock.requests("/foundationModels/v1/completion")[0]?.body).toMatchObject({
      tools: [{ function: weatherTool.function }],
      toolChoice: { mode: "REQUIRED" },
    });
    expect(await used(c.key)).toBeCloseTo(((74 + 14) * 1.2) / 1e6, 9);

    await c.openai.chat.completions.create({
      model: "yandexgpt",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What is the weather like in Saint Petersburg?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "8°C" },
      ],
    });
    const second = mock.requests("/foundationModels/v1/completion")[1]?.body as { messages: unknown[] };
    expect(second.messages.slice(1)).toEqual([
      {
        role: "assistant",
        toolCallList: {
          toolCalls: [{ functionCall: { name: "weatherTool", arguments: { city: "Saint Petersburg" } } }],
        },
      },
      {
        role: "assistant",
        toolResultList: { toolResults: [{ functionResult: { name: "weatherTool", content: "8°C" } }] },
      },
    ]);
  });

  test("a streamed tool call", async () => {
    const c = await tg.client(10);
    mock.next("/completion", "completion-stream-tool-calls");
    const stream = await c.openai.chat.completions.create({
      model: "yandexgpt",
      messages: [{ role: "user", content: "Погода?" }],
      tools: [weatherTool],
      stream: true,
    });
    let args = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) args += tc.function?.arguments ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(args)).toEqual({ city: "Saint Petersburg" });
    expect(finish).toBe("tool_calls");
    expect(await used(c.key)).toBeCloseTo(((74 + 14) * 1.2) / 1e6, 9);
  });

  test("an IAM token goes as Bearer", async () => {
    mock.auth = { scheme: "Bearer", secret: "t1.mock-iam-token" };
    const c = await tg.client(10);
    const res = await c.openai.chat.completions.create({
      model: "yandexgpt-iam",
      messages: [{ role: "user", content: "Привет" }],
    });
    expect(res.choices[0]?.message.content).toBe("Привет! Чем я могу помочь?");
    expect(mock.requests("/foundationModels/v1/completion")[0]?.headers.authorization).toBe(
      "Bearer t1.mock-iam-token",
    );
  });

  test("a rejected key is a 502 without the key; nothing is billed", async () => {
    const c = await tg.client(10);
    mock.auth = { scheme: "Api-Key", secret: "another-key" };
    const e1 = (await c.openai.chat.completions
      .create({ model: "yandexgpt", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(e1.status).toBe(502);
    expect(e1.message).toContain("Unknown api key");
    expect(JSON.stringify(e1.error)).not.toContain(YANDEX_API_KEY);
    expect(await used(c.key)).toBe(0);
  });

  test("a quota refusal before a stream starts keeps its 429 and message; nothing is billed", async () => {
    const c = await tg.client(10);
    mock.always("/completion", {
      status: 429,
      body: {
        error: { grpcCode: 8, httpCode: 429, message: "quota limit exceed", httpStatus: "Too Many Requests" },
      },
    });
    const err = (await c.openai.chat.completions
      .create({ model: "yandexgpt", messages: [{ role: "user", content: "x" }], stream: true })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(429);
    expect(err.message).toContain("quota limit exceed");
    expect(await used(c.key)).toBe(0);
  });
});

describe("Yandex providers through the admin API", () => {
  test("a provider without a folder id is refused with a 400 naming the option; with one it works", async () => {
    const bad = await tg.admin<{ error: Record<string, unknown> }>("POST", "/providers", {
      id: "ya-admin",
      kind: "yandex",
      base_url: mock.apiUrl,
      api_key: YANDEX_API_KEY,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ param: "options.folder_id" });
    const ok = await tg.admin("POST", "/providers", {
      id: "ya-admin",
      kind: "yandex",
      base_url: mock.apiUrl,
      api_key: YANDEX_API_KEY,
      options: { folder_id: YANDEX_FOLDER },
    });
    expect(ok.status).toBe(201);
    expect(JSON.stringify(ok.body)).not.toContain(YANDEX_API_KEY);
    await tg.admin("POST", "/models", {
      id: "ya-admin-model",
      routes: [{ provider: "ya-admin", model: "yandexgpt-lite" }],
      prices: { input: 1, output: 1 },
    });
    const c = await tg.client(1);
    const res = await c.openai.chat.completions.create({
      model: "ya-admin-model",
      messages: [{ role: "user", content: "Привет" }],
    });
    expect(res.choices[0]?.message.content).toBe("Привет! Чем я могу помочь?");
    expect((mock.requests("/foundationModels/v1/completion")[0]!.body as { modelUri: string }).modelUri).toBe(
      `gpt://${YANDEX_FOLDER}/yandexgpt-lite/latest`,
    );
  });
});
