import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { PROVIDER_SECRET, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

const extra = (url: string) =>
  `
  - id: slow-model
    routes: [{ provider: slow, model: mock-model }]
    prices: { input: 1, output: 2 }
  - id: dead-model
    routes: [{ provider: dead, model: mock-model }]
    prices: { input: 1, output: 2 }
`.replace("__URL__", url);

beforeAll(async () => {
  mock = new MockOpenAI().start();
  const config = standardConfig(mock.url, extra(mock.url))
    .replace(
      "models:",
      `  - id: slow
    kind: openai
    base_url: ${mock.url}
    api_key: ${PROVIDER_SECRET}
    timeouts: { connect_ms: 300, first_byte_ms: 300, total_ms: 2000 }
  - id: dead
    kind: openai
    base_url: http://127.0.0.1:1/v1
    api_key: ${PROVIDER_SECRET}
models:`,
    )
    .replace(
      "currency: USD",
      "currency: USD\nserver: { body_limit_mb: 0.05 }\n# One attempt: these tests look at how a single upstream failure is mapped.\nrouting: { max_attempts: 1, circuit_breaker: { enabled: false } }",
    );
  tg = await TestGateway.start({ config });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});
beforeEach(() => mock.reset());

type ApiErr = {
  status: number;
  error: { message: string; type: string; param: string | null; code: string };
  headers: Headers;
};
const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected an error");
    },
    (e) => e as ApiErr,
  );
const chat = (client: OpenAI, body: Record<string, unknown> = {}) =>
  client.chat.completions.create({
    model: "gpt-test",
    messages: [{ role: "user", content: "hi" }],
    ...body,
  } as never);

async function raw(key: string | null, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { error: ApiErr["error"] } };
}

async function unbilled(c: { key: string; keyId: string }, balance: number) {
  const b = await (
    await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${c.key}` } })
  ).json();
  expect(b.balance).toBe(balance);
}

describe("bad input gets a clear OpenAI-shaped error, nothing billed", () => {
  test("400: malformed JSON and fields failing validation are named", async () => {
    const c = await tg.client(1);
    const bad = await raw(c.key, "{not json");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
    expect(bad.body.error.message).toContain("not valid JSON");

    const missing = await raw(c.key, JSON.stringify({ model: "gpt-test" }));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ param: "messages", code: "invalid_request_body" });

    const role = await fail(chat(c.openai, { messages: [{ role: "wizard", content: "x" }] }));
    expect(role.status).toBe(400);
    expect(role.error.param).toBe("messages[0].role");
    expect(role.error.message).toContain("messages[0].role");

    const img = await fail(
      chat(c.openai, {
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }],
      }),
    );
    expect(img.error.param).toBe("messages[0].content[0].image_url.url");

    const temp = await fail(chat(c.openai, { temperature: 7 }));
    expect(temp.error.param).toBe("temperature");

    expect((await raw(c.key, "[1,2]")).status).toBe(400);
    expect(mock.received).toHaveLength(0);
    await unbilled(c, 1);
  });

  test("401: missing, unknown, revoked and expired keys", async () => {
    const none = await raw(null, "{}");
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ type: "authentication_error", code: "missing_api_key" });
    expect((await raw("sk-tg-unknown", "{}")).body.error.code).toBe("invalid_api_key");
    expect((await raw("not-even-a-key", "{}")).status).toBe(401);

    const c = await tg.client(1);
    await tg.admin("PATCH", `/keys/${c.keyId}`, { status: "revoked" });
    const revoked = await fail(chat(c.openai));
    expect(revoked.status).toBe(401);
    expect(revoked.error.code).toBe("key_revoked");

    const e = await tg.client(1, { expires_at: Date.now() - 1000 });
    expect((await fail(chat(e.openai))).error.code).toBe("key_expired");
  });

  test("402 insufficient_quota when not even the prompt and a minimal answer fit", async () => {
    const c = await tg.client("0.0000001");
    const err = await fail(chat(c.openai, { max_tokens: 1000 }));
    expect(err.status).toBe(402);
    expect(err.error).toMatchObject({ code: "insufficient_quota", type: "insufficient_quota" });
    expect(err.error.message).toContain("USD");
    expect(mock.received).toHaveLength(0);
    await unbilled(c, 0.0000001);
  });

  test("403 for a model the key may not use; 404 for unknown and disabled models and unknown URLs", async () => {
    const c = await tg.client(1, { models: ["vendor/slashed-model"] });
    const forbidden = await fail(chat(c.openai));
    expect(forbidden.status).toBe(403);
    expect(forbidden.error).toMatchObject({ type: "permission_error", code: "model_not_allowed" });
    const d = await tg.client(1);
    for (const model of ["no-such-model", "off-model"]) {
      const nf = await fail(chat(d.openai, { model }));
      expect(nf.status).toBe(404);
      expect(nf.error).toMatchObject({ code: "model_not_found", param: "model" });
    }
    const url = await fetch(`${tg.url}/v1/nothing-here`);
    expect(url.status).toBe(404);
    expect((await url.json()).error.code).toBe("unknown_url");
  });

  test("413 for a body over the limit, declared or streamed", async () => {
    const c = await tg.client(1);
    const big = JSON.stringify({
      model: "gpt-test",
      messages: [{ role: "user", content: "x".repeat(60_000) }],
    });
    const res = await raw(c.key, big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("request_too_large");
    const chunked = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: new Blob([big]).stream(),
    });
    expect(chunked.status).toBe(413);
    await unbilled(c, 1);
  });

  test("429 with Retry-After past the key's rate limit; X-RateLimit-* on every response", async () => {
    const c = await tg.client(1, { rpm_limit: 2 });
    const ok = await chat(c.openai).then(() => null);
    expect(ok).toBeNull();
    const second = await raw(c.key, "{bad");
    expect(second.headers.get("x-ratelimit-limit")).toBe("2");
    expect(second.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(second.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    // Read-only routes show the same window without counting against it.
    for (const path of ["/v1/balance", "/v1/models", "/billing/balance"]) {
      const r = await fetch(`${tg.url}${path}`, { headers: { authorization: `Bearer ${c.key}` } });
      expect(r.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(r.headers.get("x-ratelimit-limit")).toBe("2");
    }
    const limited = await fail(chat(c.openai));
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({ code: "rate_limit_exceeded", type: "rate_limit_error" });
    const ra = Number(limited.headers.get("retry-after"));
    expect(ra).toBeGreaterThanOrEqual(1);
    expect(ra).toBeLessThanOrEqual(60);
    expect(mock.received).toHaveLength(1);
  });

  test("daily request limit per key", async () => {
    const c = await tg.client(1, { daily_request_limit: 1 });
    await chat(c.openai);
    const err = await fail(chat(c.openai));
    expect(err.status).toBe(429);
    expect(err.error.message).toContain("per day");
  });
});

describe("upstream failures map to clear errors and are never billed", () => {
  test("upstream 4xx keeps its status and message", async () => {
    const c = await tg.client(1);
    mock.next({
      status: 400,
      errorBody: {
        error: {
          message: "This model's maximum context length is 8192 tokens.",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      },
    });
    const err = await fail(chat(c.openai));
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({
      message: "This model's maximum context length is 8192 tokens.",
      code: "context_length_exceeded",
      param: "messages",
    });
    await unbilled(c, 1);
    const [row] = (await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`))
      .body.data;
    expect(row).toMatchObject({
      status: 400,
      outcome: "error",
      error_code: "context_length_exceeded",
      cost: 0,
    });
  });

  test("a provider error quoting the provider key never shows it", async () => {
    const c = await tg.client(1);
    mock.next({
      status: 401,
      errorBody: {
        error: {
          message: `Incorrect API key provided: ${PROVIDER_SECRET}. Also Bearer ${PROVIDER_SECRET}`,
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      },
    });
    const res = await raw(
      c.key,
      JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "x" }] }),
    );
    expect(res.status).toBe(502);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(PROVIDER_SECRET);
    expect(text).not.toContain(PROVIDER_SECRET.slice(3, 20));
    expect(res.body.error.message).toContain("[redacted]");
    const rows = (await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`))
      .body.data;
    expect(JSON.stringify(rows)).not.toContain(PROVIDER_SECRET);
  });

  test("upstream 5xx -> 502, upstream 429 -> 429 with its Retry-After", async () => {
    const c = await tg.client(1);
    mock.next({ status: 503 });
    const e5 = await fail(chat(c.openai));
    expect(e5.status).toBe(502);
    expect(e5.error.type).toBe("api_error");
    mock.next({ status: 429, headers: { "retry-after": "1" } });
    const e4 = await fail(chat(c.openai));
    expect(e4.status).toBe(429);
    expect(e4.headers.get("retry-after")).toBe("1");
    await unbilled(c, 1);
  });

  test("timeout -> 504; refused connection -> 502; a stream cut in the middle ends with an error event", async () => {
    const c = await tg.client(1);
    mock.next({ hang: true });
    const t = await fail(chat(c.openai, { model: "slow-model" }));
    expect(t.status).toBe(504);
    expect(t.error.code).toBe("upstream_timeout");
    await Bun.sleep(50);
    expect(mock.aborts.length).toBe(1); // the gateway gave up on the upstream too
    const d = await fail(chat(c.openai, { model: "dead-model" }));
    expect(d.status).toBe(502);
    expect(d.error.code).toBe("upstream_connection_failed");
    await unbilled(c, 1);

    mock.next({ text: "a b c d e f g h", chunks: 8, dropAfterChunks: 3 });
    const stream = await chat(c.openai, { stream: true });
    let text = "";
    const err = await (async () => {
      try {
        for await (const ch of stream as unknown as AsyncIterable<{
          choices: { delta: { content?: string } }[];
        }>)
          text += ch.choices[0]?.delta.content ?? "";
      } catch (e) {
        return e as ApiErr;
      }
      return null;
    })();
    expect(text).toBe("a b c ");
    expect(err?.error?.code ?? (err as unknown as { code: string })?.code).toBe(
      "upstream_stream_interrupted",
    );
    const [row] = (await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`))
      .body.data;
    expect(row).toMatchObject({
      outcome: "error",
      error_code: "upstream_stream_interrupted",
      usage_source: "estimated",
    });
    expect(row?.output_tokens).toBeGreaterThan(0);
  });
});
