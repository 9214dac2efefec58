import { describe, expect, test } from "bun:test";
import { PROVIDER_SECRET, standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

withGateway(
  (url) => standardConfig(url),
  (m, t) => {
    mock = m;
    tg = t;
  },
);

const balanceOf = async (key: string) =>
  (await (await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
    balance: number;
    used: number;
    token: { used: number; remaining: number; unlimited_quota: boolean };
  };

const logOf = async (keyId: string) =>
  (await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${keyId}`)).body.data;

/** prices of gpt-test: 1 per 1M input, 0.5 cached, 2 output */
const costOf = (u: { prompt_tokens: number; completion_tokens: number; cached?: number }) =>
  ((u.prompt_tokens - (u.cached ?? 0)) * 1 + (u.cached ?? 0) * 0.5 + u.completion_tokens * 2) / 1e6;

describe("chat completions through the openai SDK", () => {
  test("plain chat: answer, usage, billed at the model's prices, logged", async () => {
    const c = await tg.client(10);
    const res = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    expect(res.usage?.prompt_tokens).toBe(10);
    const up = mock.received[0]!;
    expect(up.body.model).toBe("mock-model");
    expect(up.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET}`);
    const cost = costOf(res.usage!);
    const bal = await balanceOf(c.key);
    expect(bal.balance).toBeCloseTo(10 - cost, 9);
    expect(bal.used).toBeCloseTo(cost, 9);
    expect(bal.token).toMatchObject({ unlimited_quota: true });
    expect(bal.token.used).toBeCloseTo(cost, 9);
    const [row] = await logOf(c.keyId);
    expect(row).toMatchObject({
      status: 200,
      outcome: "ok",
      input_tokens: 10,
      model: "gpt-test",
      provider: "mock",
      upstream_model: "mock-model",
      usage_source: "upstream",
      stream: false,
    });
    expect(row?.cost).toBeCloseTo(cost, 9);
  });

  test("cached prompt tokens are billed at the cached price", async () => {
    const c = await tg.client(10);
    mock.next({ usage: { prompt_tokens: 1000, completion_tokens: 10, cached_tokens: 600 } });
    await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    const [row] = await logOf(c.keyId);
    expect(row).toMatchObject({ input_tokens: 1000, cached_tokens: 600, output_tokens: 10 });
    expect(row?.cost).toBeCloseTo(costOf({ prompt_tokens: 1000, completion_tokens: 10, cached: 600 }), 9);
  });

  test("stream without include_usage: chunks as they come, no usage shown, still billed from upstream usage", async () => {
    const c = await tg.client(10);
    mock.next({ text: "one two three four five six", chunks: 6 });
    const stream = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "count" }],
      stream: true,
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.usage ?? undefined).toBeUndefined();
      expect("usage" in chunk).toBe(false);
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(text).toBe("one two three four five six");
    expect(chunks).toBe(8); // role + 6 content + finish; the usage-only chunk is withheld
    expect((mock.received[0]!.body.stream_options as { include_usage: boolean }).include_usage).toBe(true);
    const [row] = await logOf(c.keyId);
    expect(row).toMatchObject({
      stream: true,
      usage_source: "upstream",
      input_tokens: 10,
      output_tokens: 6,
      status: 200,
    });
    expect(row?.ttft_ms).toBeGreaterThanOrEqual(0);
    expect((await balanceOf(c.key)).used).toBeCloseTo(costOf({ prompt_tokens: 10, completion_tokens: 6 }), 9);
  });

  test("stream with include_usage: the usage chunk arrives last, after the charge", async () => {
    const c = await tg.client(10);
    const stream = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const all = [];
    for await (const chunk of stream) all.push(chunk);
    const last = all.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
    expect(all.slice(0, -1).every((ch) => !ch.usage)).toBe(true);
    expect((await balanceOf(c.key)).used).toBeCloseTo(costOf({ prompt_tokens: 10, completion_tokens: 3 }), 9);
  });

  test("upstream without usage: billed from a tokenizer count, usage chunk made up for a client that asked", async () => {
    const c = await tg.client(10);
    mock.next({ omitUsage: true, text: "alpha beta gamma" });
    const stream = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const all = [];
    for await (const chunk of stream) all.push(chunk);
    expect(all.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    const [row] = await logOf(c.keyId);
    expect(row).toMatchObject({ usage_source: "estimated", status: 200 });
    expect(row?.output_tokens).toBe(all.at(-1)?.usage?.completion_tokens);
    expect(row?.cost as number).toBeGreaterThan(0);

    mock.next({ omitUsage: true });
    const plain = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(plain.usage).toBeUndefined();
    expect((await logOf(c.keyId))[0]).toMatchObject({ usage_source: "estimated" });
  });

  test("tools and tool_choice: calls come back, streamed arguments assemble", async () => {
    const c = await tg.client(10);
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "read_file",
          description: "Read a file",
          parameters: { type: "object", properties: { uri: { type: "string" } }, required: ["uri"] },
        },
      },
    ];
    mock.next({ toolCalls: [{ name: "read_file", arguments: '{"uri":"/etc/hosts"}' }] });
    const res = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "read" }],
      tools,
      tool_choice: "auto",
    });
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function).toEqual({
      name: "read_file",
      arguments: '{"uri":"/etc/hosts"}',
    });
    expect(mock.received[0]!.body.tools).toEqual(tools);
    expect(mock.received[0]!.body.tool_choice).toBe("auto");

    mock.next({ toolCalls: [{ name: "read_file", arguments: '{"uri":"/tmp/a b.txt"}' }] });
    const stream = c.openai.chat.completions.stream({
      model: "gpt-test",
      messages: [{ role: "user", content: "read" }],
      tools,
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === "function" && JSON.parse(streamed.function.arguments)).toEqual({
      uri: "/tmp/a b.txt",
    });
  });

  test("vision parts by URL and data: base64 and every other field reach the upstream untouched", async () => {
    const c = await tg.client(10);
    const body = {
      model: "gpt-test",
      messages: [
        {
          role: "user" as const,
          content: [
            { type: "text" as const, text: "Compare" },
            {
              type: "image_url" as const,
              image_url: { url: "https://example.com/a.png", detail: "high" as const },
            },
            { type: "image_url" as const, image_url: { url: "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==" } },
          ],
        },
      ],
      response_format: {
        type: "json_schema" as const,
        json_schema: {
          name: "answer",
          schema: { type: "object", properties: { a: { type: "string" } } },
          strict: true,
        },
      },
      n: 2,
      stop: ["\n\n"],
      seed: 42,
      temperature: 0.3,
      logprobs: true,
      top_logprobs: 2,
      user: "u-1",
      vendor_extra: { anything: [1, 2, 3] },
    };
    const res = await c.openai.chat.completions.create(body as never);
    expect((res as { choices: unknown[] }).choices).toHaveLength(2);
    const { model: _m, ...rest } = mock.received[0]!.body;
    const { model: _m2, ...sent } = body;
    // Untouched, but for the output limit the gateway reserved for (the model's, 1000 here):
    // the upstream must be held to what the balance was checked for.
    expect(rest).toEqual({ ...sent, max_tokens: 1000 });

    await c.openai.chat.completions.create({ ...body, response_format: { type: "json_object" } } as never);
    expect(mock.received[1]!.body.response_format).toEqual({ type: "json_object" });
  });

  test("the /v1/chat/completions/stream alias always streams", async () => {
    const c = await tg.client(10);
    const res = await fetch(`${tg.url}/v1/chat/completions/stream`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toContain('"content":"Hello from "');
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(mock.received[0]!.body.stream).toBe(true);
  });

  test("max_tokens beyond the balance is lowered to what it affords, and the header says so", async () => {
    // 0.0005 available; input bound ~100 tokens at 1/1M; output at 2/1M -> roughly 200 tokens affordable
    const c = await tg.client("0.0005");
    const res = await c.openai.chat.completions
      .create({
        model: "gpt-test",
        messages: [{ role: "user", content: "write a novel" }],
        max_tokens: 32000,
      })
      .withResponse();
    const clamped = Number(res.response.headers.get("x-tollgate-max-tokens-clamped"));
    expect(clamped).toBeGreaterThan(16);
    expect(clamped).toBeLessThan(250);
    expect(mock.received[0]!.body.max_tokens).toBe(clamped);
    expect((await logOf(c.keyId))[0]).toMatchObject({ max_tokens_clamped: clamped, status: 200 });
    const b = await balanceOf(c.key);
    expect(b.balance).toBeGreaterThanOrEqual(0);
  });

  test("max_completion_tokens is the field lowered when the client used it", async () => {
    const c = await tg.client("0.0005");
    await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "x" }],
      max_completion_tokens: 32000,
    });
    expect(mock.received[0]!.body.max_completion_tokens).toBeLessThan(32000);
    expect(mock.received[0]!.body.max_tokens).toBeUndefined();
  });
});

describe("models, balance and health", () => {
  test("GET /v1/models lists enabled models, filtered by the key's allowed models", async () => {
    const anon = (await (await fetch(`${tg.url}/v1/models`)).json()) as {
      object: string;
      data: { id: string; object: string }[];
    };
    expect(anon.object).toBe("list");
    expect(anon.data.map((m) => m.id)).toEqual(["gpt-test", "vendor/slashed-model", "auto"]);
    const c = await tg.client(1, { models: ["vendor/slashed-model"] });
    const list = await c.openai.models.list();
    expect(list.data.map((m) => m.id)).toEqual(["vendor/slashed-model", "auto"]);
    expect((await c.openai.models.retrieve("vendor/slashed-model")).id).toBe("vendor/slashed-model");
    const bad = await fetch(`${tg.url}/v1/models`, { headers: { authorization: "Bearer sk-tg-nope" } });
    expect(bad.status).toBe(401);
  });

  test("billing routes are scoped to the caller's own account, in the reference shapes", async () => {
    const a = await tg.client(5);
    const b = await tg.client(7);
    await a.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    const auth = (k: string) => ({ headers: { authorization: `Bearer ${k}` } });
    const balA = await (await fetch(`${tg.url}/billing/balance`, auth(a.key))).json();
    expect(balA).toMatchObject({ user_id: a.accountId, currency: "USD" });
    expect(balA.balance).toBeCloseTo(5 - costOf({ prompt_tokens: 10, completion_tokens: 3 }), 9);
    const txA = await (await fetch(`${tg.url}/billing/transactions?limit=5&offset=0`, auth(a.key))).json();
    expect(txA).toMatchObject({ user_id: a.accountId, limit: 5, offset: 0, total: 2 });
    expect(txA.transactions[0]).toMatchObject({
      user_id: a.accountId,
      description: "Chat completion with gpt-test",
    });
    expect(txA.transactions[0].amount).toBeCloseTo(-costOf({ prompt_tokens: 10, completion_tokens: 3 }), 9);
    expect(txA.transactions[0].balance_after).toBeCloseTo(balA.balance, 9);
    expect(txA.transactions[1]).toMatchObject({
      amount: 5,
      balance_after: 5,
      description: "Opening balance",
    });
    const txB = await (await fetch(`${tg.url}/billing/transactions`, auth(b.key))).json();
    expect(txB.total).toBe(1);
    expect((await fetch(`${tg.url}/billing/transactions?limit=1000`, auth(a.key))).status).toBe(400);
  });

  test("/health and /ready, and x-request-id on every response", async () => {
    const h = await fetch(`${tg.url}/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({
      status: "healthy",
      components: { database: "healthy", llm_services: "healthy" },
    });
    const r = await fetch(`${tg.url}/ready`);
    expect(await r.json()).toMatchObject({ ready: true, checks: { database: true } });
    for (const res of [
      h,
      r,
      await fetch(`${tg.url}/nope`),
      await fetch(`${tg.url}/v1/chat/completions`, { method: "POST" }),
    ]) {
      expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });
});
