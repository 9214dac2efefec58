import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { PROVIDER_SECRET, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockAnthropic } from "../testing/mock-anthropic.ts";
import { MockGemini } from "../testing/mock-gemini.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

/**
 * A chat client's body to an OpenAI-dialect upstream travels as the client wrote it: the
 * gateway checks it without rebuilding it and rewrites only the members it must (the model
 * id, the output cap, the usage request on streams), never writing a key twice.
 */
let mock: MockOpenAI;
let claude: MockAnthropic;
let gem: MockGemini;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  claude = new MockAnthropic().start();
  gem = new MockGemini().start();
  const config = standardConfig(
    mock.url,
    `  - id: claude-test
    routes: [{ provider: claude, model: claude-upstream }]
    prices: { input: 1, output: 2 }
  - id: resp-test
    routes: [{ provider: resp, model: resp-upstream }]
    prices: { input: 1, output: 2 }
  - id: gem-test
    routes: [{ provider: gem, model: gem-upstream }]
    prices: { input: 1, output: 2 }
`,
  ).replace(
    "models:",
    `  - id: claude
    kind: anthropic
    base_url: ${claude.url}
    api_key: ${PROVIDER_SECRET}
  - id: resp
    kind: openai
    base_url: ${mock.url}
    api_key: ${PROVIDER_SECRET}
    options: { responses_api: true }
  - id: gem
    kind: gemini
    base_url: ${gem.url}
    api_key: ${PROVIDER_SECRET}
models:`,
  );
  tg = await TestGateway.start({ config });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
  claude.stop();
  gem.stop();
});
beforeEach(() => {
  mock.reset();
  claude.reset();
  gem.reset();
});

async function post(key: string, body: string, path = "/v1/chat/completions") {
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Sends `body` on a fresh key with `balance`; the answer must be a 200. What the upstream got, and the answer. */
async function forwarded(body: string, balance: number | string = 10, path?: string) {
  const c = await tg.client(balance);
  const r = await post(c.key, body, path);
  expect(r.status).toBe(200);
  expect(mock.received).toHaveLength(1);
  return { got: mock.received[0]!, answer: r.text };
}

/** How many times a member named `key` appears in a JSON text. */
const count = (text: string, key: string) => text.split(`"${key}"`).length - 1;

describe("pass-through keeps the client's bytes", () => {
  test("spacing, unknown fields and escapes arrive untouched; only the model id is rewritten", async () => {
    const sent =
      '{ "model" : "gpt-test",\n  "messages": [ {"role":"user", "content":"h\\u00e9 \\"quoted\\" \\\\ \\n"} ],\n  "max_tokens": 50, "x_vendor": {"a": [1, 2.50, null], "model": "nested"} }';
    const { got } = await forwarded(sent);
    expect(got.text).toBe(sent.replace('"model" : "gpt-test"', '"model" : "mock-model"'));
  });

  test("a streamed call asks for usage in place; the rest of the body is the client's", async () => {
    const sent =
      '{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":false},"max_completion_tokens":20,"seed":7}';
    const { got, answer } = await forwarded(sent);
    expect(got.text).toBe(
      sent
        .replace('"model":"gpt-test"', '"model":"mock-model"')
        .replace('"include_usage":false', '"include_usage":true'),
    );
    // The client did not ask for usage: the usage chunk the gateway asked for is not shown.
    expect(answer).not.toContain('"usage":{');
  });

  test("a key sent twice is forwarded once, with the value that was checked and reserved", async () => {
    const { got } = await forwarded(
      '{"model":"gpt-test","max_tokens":900,"messages":[{"role":"user","content":"hi"}],"max_tokens":5}',
    );
    expect(count(got.text, "max_tokens")).toBe(1);
    expect(got.body.max_tokens).toBe(5);
  });

  test("a cap the balance cannot afford is cut in the client's own spelling; null spellings go", async () => {
    // Prices: 2 per 1M output tokens; 0.0005 leaves room for about 250 tokens of answer.
    const { got } = await forwarded(
      '{"model":"gpt-test","max_tokens":null,"max_completion_tokens":100000,"messages":[{"role":"user","content":"hi"}]}',
      "0.0005",
    );
    expect(count(got.text, "max_tokens")).toBe(0);
    expect(count(got.text, "max_completion_tokens")).toBe(1);
    expect(got.body.max_completion_tokens).toBeLessThan(100000);
  });

  test("the /stream alias streams a body that did not say so", async () => {
    const sent = '{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"max_tokens":8}';
    const { got, answer } = await forwarded(sent, 10, "/v1/chat/completions/stream");
    expect(answer).toContain("data: [DONE]");
    expect(got.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(count(got.text, "stream")).toBe(1);
  });

  test("a body that is not valid JSON is a 400 and nothing is sent", async () => {
    const c = await tg.client(10);
    for (const bad of [
      '{"model":"gpt-test","messages":[{"role":"user","content":"\\q"}]}',
      '{"model":"gpt-test","messages":[{"role":"user","content":"a\nb"}]}',
      '{"model":"gpt-test","messages":[]',
    ]) {
      const r = await post(c.key, bad);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).error.code).toBe("invalid_json");
    }
    expect(mock.received).toHaveLength(0);
  });

  test("Messages to an Anthropic upstream: the client's bytes, the model id and the cap it reserved", async () => {
    const c = await tg.client(10);
    const sent =
      '{"model": "claude-test", "system": [{"type":"text","text":"be \\"brief\\"","cache_control":{"type":"ephemeral"}}],\n "messages": [{"role":"user","content":"hi"}], "stream": true}';
    const res = await fetch(`${tg.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": c.key, "anthropic-version": "2023-06-01" },
      body: sent,
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(claude.received).toHaveLength(1);
    const got = claude.received[0]!;
    // No cap sent: the model's limit, reserved for, is added; everything else is the client's.
    expect(got.text).toBe(
      `${sent.slice(0, -1).replace('"model": "claude-test"', '"model": "claude-upstream"')},"max_tokens":1000}`,
    );
  });

  test("Responses to a Responses upstream: the client's bytes, the model id and the cap it reserved", async () => {
    const c = await tg.client(10);
    const sent =
      '{"model": "resp-test", "instructions": "be \\"brief\\"",\n "input": [{"role":"user","content":"h\\u00e9"},{"type":"function_call_output","call_id":"c1","output":"{}"}], "tools": [{"type":"function","name":"f","parameters":{}}], "store": false, "stream": true}';
    const r = await post(c.key, sent, "/v1/responses");
    expect(r.status).toBe(200);
    expect(r.text).toContain("response.completed");
    expect(mock.received).toHaveLength(1);
    const got = mock.received[0]!;
    expect(got.path).toBe("/v1/responses");
    // No cap sent: the model's limit, reserved for, is added; everything else is the client's.
    expect(got.text).toBe(
      `${sent.slice(0, -1).replace('"model": "resp-test"', '"model": "resp-upstream"')},"max_output_tokens":1000}`,
    );
  });

  test("Responses: a key sent twice is forwarded once, with the cap that was reserved", async () => {
    const c = await tg.client(10);
    const r = await post(
      c.key,
      '{"model":"resp-test","max_output_tokens":900,"input":"hi","max_output_tokens":5}',
      "/v1/responses",
    );
    expect(r.status).toBe(200);
    const got = mock.received[0]!;
    expect(count(got.text, "max_output_tokens")).toBe(1);
    expect(got.body.max_output_tokens).toBe(5);
  });

  test("Responses: a wrong field is refused by the schema's message, and nothing is sent", async () => {
    const c = await tg.client(10);
    for (const [body, field] of [
      ['{"model":"resp-test","input":[{"role":7}]}', "input"],
      ['{"model":"resp-test","input":"hi","max_output_tokens":0}', "max_output_tokens"],
      ['{"model":"resp-test","input":"hi","temperature":1e400}', "temperature"],
    ] as const) {
      const r = await post(c.key, body, "/v1/responses");
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).error.param).toStartWith(field);
    }
    expect(mock.received).toHaveLength(0);
  });

  test("Gemini to a Gemini upstream: the client's bytes, one generationConfig with the cap reserved", async () => {
    const c = await tg.client(10);
    const head =
      '{"contents": [{"role":"user","parts":[{"text":"h\\u00e9 \\"q\\""}]}],\n "safetySettings": []';
    const r = await fetch(`${tg.url}/v1beta/models/gem-test:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": c.key },
      body: `${head}, "generation_config": {"temperature": 0.5, "max_output_tokens": 40}}`,
    });
    expect(r.status).toBe(200);
    await r.text();
    expect(gem.received).toHaveLength(1);
    const got = gem.received[0]!;
    expect(got.path).toBe("/v1beta/models/gem-upstream:streamGenerateContent?alt=sse");
    // The snake_case container is replaced by one camelCase generationConfig; the rest is the client's.
    expect(got.text).toBe(`${head},"generationConfig":{"temperature":0.5,"maxOutputTokens":40}}`);
  });

  test("Gemini: cached content is refused in either spelling, before anything is sent", async () => {
    const c = await tg.client(10);
    for (const name of ["cachedContent", "cached_content"]) {
      const r = await fetch(`${tg.url}/v1beta/models/gem-test:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": c.key },
        body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }], [name]: "cachedContents/abc" }),
      });
      expect(r.status).toBe(400);
      expect((await r.json()).error.status).toBe("INVALID_ARGUMENT");
    }
    expect(gem.received).toHaveLength(0);
  });
});
