import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { PROVIDER_SECRET, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

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

describe("chat completions through the openai SDK", () => {
  test("plain chat: answer, usage, billed at the model's prices, logged", async () => {
    const c = await tg.client(10);
    const res = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    expect(res.usage?.prompt_tokens).toBe(10);
    // Forwarded with the upstream model id and the provider key, never the client's key.
    const up = mock.received[0]!;
    expect(up.body.model).toBe("mock-model");
    expect(up.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET}`);
    const cost = (10 * 1 + res.usage!.completion_tokens * 2) / 1e6;
    const bal = await (
      await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${c.key}` } })
    ).json();
    expect(bal.balance).toBeCloseTo(10 - cost, 9);
    expect(bal.used).toBeCloseTo(cost, 9);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({
      status: 200,
      outcome: "ok",
      input_tokens: 10,
      model: "gpt-test",
      provider: "mock",
      usage_source: "upstream",
    });
    expect(log.body.data[0]?.cost).toBeCloseTo(cost, 9);
  });
});
