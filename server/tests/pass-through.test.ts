import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

/**
 * A chat client's body to an OpenAI-dialect upstream travels as the client wrote it: the
 * gateway checks it without rebuilding it and rewrites only the members it must (the model
 * id, the output cap, the usage request on streams), never writing a key twice.
 */
let mock: MockOpenAI;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  tg = await TestGateway.start({ config: standardConfig(mock.url) });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});
beforeEach(() => mock.reset());

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
});
