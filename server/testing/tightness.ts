/**
 * The workload of the reservation-tightness test and benchmark: a realistic prompt (a
 * system prompt and a question, about 300 tokens), and a config with one chat model at
 * typical prices (input 2.5, cached 1.25, output 10 per 1M tokens) on the honest mock.
 */
export const TIGHTNESS_PROMPT = [
  {
    role: "system" as const,
    content:
      "You are a careful support assistant for an online bookshop. Answer in plain English, in at most three short paragraphs. " +
      "When a customer asks about an order, restate the order number, say what you can and cannot see, and give the next step. " +
      "Never invent tracking numbers, prices or delivery dates; when you do not know, say so and point to the order page. " +
      "Be friendly but brief, avoid marketing language, and do not repeat the question back in full. ".repeat(
        3,
      ),
  },
  {
    role: "user" as const,
    content:
      "Hello! I ordered two paperbacks last Tuesday (order 48213) and the page still says 'preparing'. " +
      "One of them was a gift for my sister's birthday this Saturday. Is there any way to know whether it will arrive in time, " +
      "and if not, can I change the delivery address to her flat so at least it reaches her directly next week?",
  },
];

export const tightnessConfig = (mockUrl: string) => `
currency: USD
defaults:
  rate_limits: { key_rpm: 100000 }
  max_output_tokens: 4096
providers:
  - id: honest
    kind: openai
    base_url: ${mockUrl}
    api_key: sk-honest-mock
models:
  - id: chat
    routes: [{ provider: honest, model: honest-model }]
    prices: { input: 2.5, cached_input: 1.25, output: 10 }
`;
