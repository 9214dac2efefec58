/**
 * XRouter's own example passes `api_key="Bearer <token>"`, so the SDK sends
 * `Authorization: Bearer Bearer <token>`. One doubled scheme word is forgiven; two are not.
 */
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { standardConfig, statusOf, type TestGateway, withGateway } from "../testing/harness.ts";
import { type MockOpenAI, mockPromptTokens } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;
withGateway(standardConfig, (m, t) => {
  mock = m;
  tg = t;
});

const sdk = (apiKey: string) =>
  new OpenAI({ apiKey, baseURL: `${tg.url}/v1`, maxRetries: 0, timeout: 15_000 });
const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });

describe("a doubled Bearer scheme word", () => {
  test("the openai SDK with api_key 'Bearer <token>' is served and billed to that key", async () => {
    const c = await tg.client(1);
    const res = await ask(sdk(`Bearer ${c.key}`));
    expect(res.choices[0]?.message.content).toBeTruthy();
    expect(res.usage?.prompt_tokens).toBe(mockPromptTokens({ messages: [{}] }));
    const rows = await tg.logRows(c.keyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe(200);
  });

  test("the scheme word is matched in any case, as HTTP schemes are", async () => {
    const c = await tg.client(1);
    expect(await statusOf(ask(sdk(`bearer ${c.key}`)))).toBe(200);
    expect(await statusOf(ask(sdk(`BEARER ${c.key}`)))).toBe(200);
  });

  test("two extra scheme words are not a key: 401 invalid_api_key, nothing sent upstream", async () => {
    const c = await tg.client(1);
    const err = (await ask(sdk(`Bearer Bearer ${c.key}`)).then(
      () => null,
      (e) => e,
    )) as { status: number; error: { code: string } } | null;
    expect(err?.status).toBe(401);
    expect(err?.error.code).toBe("invalid_api_key");
    expect(mock.received).toHaveLength(0);
  });

  test("anything else around the key is still refused", async () => {
    const c = await tg.client(1);
    for (const apiKey of [`Token ${c.key}`, `Bearer ${c.key} extra`, `Bearer: ${c.key}`])
      expect(await statusOf(ask(sdk(apiKey)))).toBe(401);
    expect(mock.received).toHaveLength(0);
  });

  test("the Anthropic SDK's x-api-key forgives the same one word", async () => {
    const c = await tg.client(1);
    const client = (apiKey: string) =>
      new Anthropic({ apiKey, baseURL: tg.url, maxRetries: 0, timeout: 15_000 }).messages.create({
        model: "gpt-test",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      });
    expect(await statusOf(client(`Bearer ${c.key}`))).toBe(200);
    expect(await statusOf(client(`Bearer Bearer ${c.key}`))).toBe(401);
  });
});
