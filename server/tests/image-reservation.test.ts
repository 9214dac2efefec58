/**
 * A prompt of images near the end of a balance: when the byte bound is too loose and the
 * prompt is counted with the tokenizer, each image must count at the model's own bound
 * (`capabilities.max_image_tokens`), not at the typical 765 tokens, or the reservation is
 * smaller than what the upstream bills and the charge (capped at the reservation) leaves
 * prompt tokens unbilled. The upstream here bills every image at that bound.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { costOf } from "../billing/money.ts";
import { TestGateway } from "../testing/harness.ts";
import { MockHonest } from "../testing/mock-honest.ts";

const IMAGE_TOKENS = 1600;
let mock: MockHonest;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockHonest().start();
  mock.imageTokens = IMAGE_TOKENS;
  mock.answerTokens = 50;
  tg = await TestGateway.start({
    config: `
currency: USD
defaults:
  rate_limits: { key_rpm: 100000 }
  max_output_tokens: 4096
providers:
  - id: honest
    kind: openai
    base_url: ${mock.url}
    api_key: sk-honest-mock
models:
  - id: vision
    routes: [{ provider: honest, model: honest-model }]
    prices: { input: 2.5, cached_input: 1.25, output: 10 }
    capabilities: { vision: true, max_image_tokens: ${IMAGE_TOKENS} }
`,
  });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});

const PIXEL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

test("images counted at the model's bound: every answer is billed in full, the balance never overdrawn", async () => {
  const prices = tg.gw.catalog.model("vision")!.prices;
  const messages = [
    {
      role: "user",
      content: [
        { type: "text", text: "Describe these pictures." },
        ...Array.from({ length: 8 }, () => ({ type: "image_url", image_url: { url: PIXEL } })),
      ],
    },
  ];
  const oneAnswer = costOf(prices, {
    input: MockHonest.promptTokens({ messages }, IMAGE_TOKENS),
    cached: 0,
    output: mock.answerTokens,
  });
  // Room for 2.7 answers: from the second call on the loose byte bound asks for more than half
  // of what is left, so the prompt is counted; the third must be refused, not under-reserved.
  const balance = Math.floor(2.7 * oneAnswer);
  const c = await tg.client((balance / 1e9).toFixed(9));
  let billedByUpstream = 0;
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "vision", messages, max_tokens: 100 }),
    });
    if (res.status === 402) continue;
    expect(res.status).toBe(200);
    const usage = ((await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } })
      .usage;
    billedByUpstream += costOf(prices, {
      input: usage.prompt_tokens,
      cached: 0,
      output: usage.completion_tokens,
    });
  }
  const account = await tg.admin<{ balance: number }>("GET", `/accounts/${c.accountId}`);
  const left = Math.round(account.body.balance * 1e9);
  expect(billedByUpstream).toBeGreaterThan(0);
  // What the upstream billed is what the account paid: no prompt token went unreserved.
  expect(balance - left).toBe(billedByUpstream);
  expect(left).toBeGreaterThanOrEqual(0);
});
