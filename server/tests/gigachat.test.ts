import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { TestGateway } from "../testing/harness.ts";
import { GIGACHAT_AUTH_KEY, MockGigaChat } from "../testing/mock-gigachat.ts";

let mock: MockGigaChat;
let tlsMock: MockGigaChat;
let caPem: string;
let tg: TestGateway;

const STATE = "77d3fb14-457a-46ba-937e-8d856156d003";
const weatherTool = {
  type: "function" as const,
  function: {
    name: "weather_forecast",
    description: "Прогноз погоды",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};

/** A self-signed certificate for 127.0.0.1, as a stand-in for a CA the system does not trust. */
function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-tls-"));
  const proc = Bun.spawnSync([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ]);
  if (proc.exitCode !== 0) throw new Error(`openssl failed: ${proc.stderr.toString()}`);
  return {
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    key: readFileSync(join(dir, "key.pem"), "utf8"),
  };
}

function provider(id: string, m: MockGigaChat, extra = "") {
  return `
  - id: ${id}
    kind: gigachat
    base_url: ${m.apiUrl}
    api_key: ${GIGACHAT_AUTH_KEY}
    timeouts: { connect_ms: 2000, first_byte_ms: 3000, total_ms: 10000 }
    options: { scope: GIGACHAT_API_PERS, auth_url: ${m.authUrl}${extra} }`;
}

function model(id: string, prov: string) {
  return `
  - id: ${id}
    routes: [{ provider: ${prov}, model: GigaChat-2-Pro }]
    prices: { input: 1, cached_input: 0.5, output: 2 }`;
}

beforeAll(async () => {
  mock = new MockGigaChat().start();
  const tls = selfSigned();
  caPem = tls.cert;
  tlsMock = new MockGigaChat().start({ tls });
  const config = `
currency: RUB
defaults: { rate_limits: { key_rpm: 1000 }, max_output_tokens: 500 }
providers:${provider("giga", mock)}${provider("giga-cache", mock)}${provider("giga-flight", mock)}${provider("giga-short", mock)}
  - id: giga-badkey
    kind: gigachat
    base_url: ${mock.apiUrl}
    api_key: d3Jvbmc6a2V5LXRoYXQtZG9lcy1ub3QtbWF0Y2g=
    options: { auth_url: ${mock.authUrl} }
${provider("giga-tls", tlsMock)}${provider("giga-tls-off", tlsMock, ", tls_verify: false")}
  - id: giga-tls-ca
    kind: gigachat
    base_url: ${tlsMock.apiUrl}
    api_key: ${GIGACHAT_AUTH_KEY}
    options:
      auth_url: ${tlsMock.authUrl}
      ca_cert: |
${caPem
  .trim()
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}
models:${model("gigachat-pro", "giga")}${model("giga-cache", "giga-cache")}${model("giga-flight", "giga-flight")}${model("giga-short", "giga-short")}${model("giga-badkey", "giga-badkey")}${model("giga-tls", "giga-tls")}${model("giga-tls-off", "giga-tls-off")}${model("giga-tls-ca", "giga-tls-ca")}
`;
  tg = await TestGateway.start({ config });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
  tlsMock.stop();
});
beforeEach(() => {
  mock.reset();
  mock.tokenTtlMs = 30 * 60_000;
  mock.tokenDelayMs = 0;
});

async function balance(key: string) {
  const r = await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } });
  return (await r.json()) as { balance: number; used: number };
}

async function lastLog(keyId: string) {
  const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${keyId}`);
  return log.body.data[0]!;
}

describe("GigaChat through chat completions (openai SDK)", () => {
  test("plain: text, stop reason, usage and the bill; the upstream got GigaChat's request with a Bearer token", async () => {
    const c = await tg.client(10);
    const res = await c.openai.chat.completions.create({
      model: "gigachat-pro",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Привет" },
      ],
      stop: ["\n\n"],
    });
    expect(res.choices[0]?.message.content).toBe("Здравствуйте! Я GigaChat, чем могу помочь?");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.model).toBe("gigachat-pro");
    expect(res.usage).toMatchObject({ prompt_tokens: 18, completion_tokens: 12 });

    const [tokenReq] = mock.requests("/api/v2/oauth");
    expect(tokenReq?.headers.authorization).toBe(`Basic ${GIGACHAT_AUTH_KEY}`);
    const up = mock.requests("/api/v1/chat/completions")[0]!;
    expect(up.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(up.body).toMatchObject({
      model: "GigaChat-2-Pro",
      stream: false,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Привет" },
      ],
    });
    const cost = (18 * 1 + 12 * 2) / 1e6;
    expect((await balance(c.key)).used).toBeCloseTo(cost, 9);
    expect(await lastLog(c.keyId)).toMatchObject({
      status: 200,
      provider: "giga",
      usage_source: "upstream",
      dropped_fields: ["stop"],
    });
  });

  test("streaming: deltas, finish reason and the usage chunk; billed from GigaChat's usage", async () => {
    const c = await tg.client(10);
    const stream = await c.openai.chat.completions.create({
      model: "gigachat-pro",
      messages: [{ role: "user", content: "Say this is a test!" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("GigaСhat спешит на помощь");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 18, completion_tokens: 4 });
    expect(mock.requests("/api/v1/chat/completions")[0]?.body).toMatchObject({ stream: true });
    expect((await balance(c.key)).used).toBeCloseTo((18 + 4 * 2) / 1e6, 9);
  });

  test("a tool call: functions sent, call returned with its arguments and state id, billed with precached tokens", async () => {
    const c = await tg.client(10);
    mock.next("/chat/completions", "chat-function-call");
    const res = await c.openai.chat.completions.create({
      model: "gigachat-pro",
      messages: [{ role: "user", content: "Погода в Москве?" }],
      tools: [weatherTool],
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.id).toBe(STATE);
    expect(call.function.name).toBe("weather_forecast");
    expect(JSON.parse(call.function.arguments)).toEqual({ location: "Москва", format: "celsius" });
    expect(mock.requests("/api/v1/chat/completions")[0]?.body).toMatchObject({
      functions: [weatherTool.function],
    });
    // 150 fresh + 64 precached input at the cached price, 35 output.
    expect((await balance(c.key)).used).toBeCloseTo((150 * 1 + 64 * 0.5 + 35 * 2) / 1e6, 9);

    // The client sends the result back: GigaChat gets the call with its state id and a function message.
    mock.next("/chat/completions", "chat");
    await c.openai.chat.completions.create({
      model: "gigachat-pro",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Погода в Москве?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: '{"temperature":27}' },
      ],
    });
    expect(
      (mock.requests("/api/v1/chat/completions")[1]!.body as { messages: unknown[] }).messages.slice(1),
    ).toEqual([
      {
        role: "assistant",
        content: "",
        function_call: { name: "weather_forecast", arguments: { location: "Москва", format: "celsius" } },
        functions_state_id: STATE,
      },
      { role: "function", name: "weather_forecast", content: '{"temperature":27}' },
    ]);
  });

  test("a streamed tool call reaches the SDK's stream with arguments and the tool_calls finish", async () => {
    const c = await tg.client(10);
    mock.next("/chat/completions", "chat-stream-function");
    const stream = await c.openai.chat.completions.create({
      model: "gigachat-pro",
      messages: [{ role: "user", content: "Погода?" }],
      tools: [weatherTool],
      stream: true,
    });
    let args = "";
    let name = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
        name += tc.function?.name ?? "";
        args += tc.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe("weather_forecast");
    expect(JSON.parse(args)).toEqual({ location: "Москва", format: "celsius" });
    expect(finish).toBe("tool_calls");
    expect((await balance(c.key)).used).toBeCloseTo((150 + 64 * 0.5 + 35 * 2) / 1e6, 9);
  });
});

describe("GigaChat's access token", () => {
  test("cached across requests; a revoked token is refreshed once and the request retried", async () => {
    const c = await tg.client(10);
    const ask = () =>
      c.openai.chat.completions.create({ model: "giga-cache", messages: [{ role: "user", content: "hi" }] });
    await ask();
    await ask();
    expect(mock.requests("/api/v2/oauth")).toHaveLength(1);
    mock.revokeTokens();
    const res = await ask();
    expect(res.choices[0]?.message.content).toContain("GigaChat");
    expect(mock.requests("/api/v2/oauth")).toHaveLength(2);
    const chats = mock.requests("/api/v1/chat/completions");
    expect(chats.at(-1)?.headers.authorization).not.toBe(chats.at(-2)?.headers.authorization);
  });

  test("concurrent requests share one token fetch (single flight)", async () => {
    const c = await tg.client(10);
    mock.tokenDelayMs = 150;
    const all = await Promise.all(
      Array.from({ length: 6 }, () =>
        c.openai.chat.completions.create({
          model: "giga-flight",
          messages: [{ role: "user", content: "hi" }],
        }),
      ),
    );
    expect(all).toHaveLength(6);
    expect(mock.requests("/api/v2/oauth")).toHaveLength(1);
  });

  test("a token within a minute of expiry is refreshed before use", async () => {
    const c = await tg.client(10);
    mock.tokenTtlMs = 30_000; // already inside the refresh margin when issued
    const ask = () =>
      c.openai.chat.completions.create({ model: "giga-short", messages: [{ role: "user", content: "hi" }] });
    await ask();
    await ask();
    expect(mock.requests("/api/v2/oauth")).toHaveLength(2);
  });

  test("a rejected authorization key is a 502 in the OpenAI shape, without the key, and nothing is billed", async () => {
    const c = await tg.client(10);
    const err = (await c.openai.chat.completions
      .create({ model: "giga-badkey", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(502);
    expect((err.error as Record<string, unknown>).code).toBe("upstream_auth_failed");
    expect(JSON.stringify(err.error)).not.toContain("d3Jvbmc6");
    expect(mock.requests("/api/v1/chat/completions")).toHaveLength(0);
    expect((await balance(c.key)).used).toBe(0);
  });

  test("image input is refused with a 400 naming the feature before anything is sent or billed", async () => {
    const c = await tg.client(10);
    const err = (await c.openai.chat.completions
      .create({
        model: "gigachat-pro",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Что здесь?" },
              { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
            ],
          },
        ],
      })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(400);
    expect((err.error as Record<string, unknown>).code).toBe("unsupported_feature");
    expect(err.message).toContain("image input");
    expect(mock.requests("/api/v1/chat/completions")).toHaveLength(0);
    expect((await balance(c.key)).used).toBe(0);
  });
});

describe("TLS verification per provider", () => {
  const ask = async (model: string) => {
    const c = await tg.client(10);
    return c.openai.chat.completions
      .create({ model, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
  };

  test("on by default: an untrusted certificate fails the call (502), nothing reaches the upstream", async () => {
    tlsMock.reset();
    const r = await ask("giga-tls");
    expect(r).toBeInstanceOf(OpenAI.APIError);
    expect((r as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(tlsMock.requests("/api/v1/chat/completions")).toHaveLength(0);
  });

  test("tls_verify: false, or the CA given as ca_cert, let the call through", async () => {
    const off = await ask("giga-tls-off");
    expect((off as OpenAI.ChatCompletion).choices[0]?.message.content).toContain("GigaChat");
    const ca = await ask("giga-tls-ca");
    expect((ca as OpenAI.ChatCompletion).choices[0]?.message.content).toContain("GigaChat");
  });
});
