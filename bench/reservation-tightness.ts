/**
 * How much of a balance reservations let clients spend: a balance that pays for K honest
 * answers, spent by calls sent one after another and all at once, against an upstream that
 * bills exactly what it produced (server/testing/mock-honest.ts). Prints, per scenario, how
 * many calls got their whole answer, how many a lowered max_tokens cut short, how many were
 * refused (402), how much of the balance was spent, and (one after another) in which order.
 *
 *   node_modules/.bin/bun bench/reservation-tightness.ts
 */
import { costOf } from "../server/billing/money.ts";
import { TestGateway } from "../server/testing/harness.ts";
import { MockHonest } from "../server/testing/mock-honest.ts";
import { TIGHTNESS_PROMPT, tightnessConfig } from "../server/testing/tightness.ts";

type Scenario = { name: string; calls: number; concurrent: boolean; maxTokens?: number; k: number };
const SCENARIOS: Scenario[] = [
  { name: "sequential, K=10, no max_tokens", calls: 12, concurrent: false, k: 10 },
  { name: "sequential, K=10, max_tokens 200", calls: 12, concurrent: false, maxTokens: 200, k: 10 },
  { name: "concurrent 30, K=10, max_tokens 200", calls: 30, concurrent: true, maxTokens: 200, k: 10 },
  { name: "concurrent 200, K=10, no max_tokens", calls: 200, concurrent: true, k: 10 },
];
const ANSWER_TOKENS = 120;

const mock = new MockHonest().start();
mock.answerTokens = ANSWER_TOKENS;
const tg = await TestGateway.start({ config: tightnessConfig(mock.url) });
const prices = tg.gw.catalog.model("chat")!.prices;
const honest = costOf(prices, {
  input: MockHonest.promptTokens({ messages: TIGHTNESS_PROMPT }),
  cached: 0,
  output: ANSWER_TOKENS,
});

for (const s of SCENARIOS) {
  const balance = (s.k * honest) / 1e9;
  const c = await tg.client(balance.toFixed(9));
  const call = () =>
    c.openai.chat.completions
      .create({
        model: "chat",
        messages: TIGHTNESS_PROMPT,
        ...(s.maxTokens ? { max_tokens: s.maxTokens } : {}),
      })
      .then(
        (r) => (r.choices[0]?.finish_reason === "stop" ? "whole" : "cut"),
        (e: { status?: number }) => (e.status === 402 ? "refused" : `error ${e.status}`),
      );
  const outcomes: string[] = [];
  if (s.concurrent) outcomes.push(...(await Promise.all(Array.from({ length: s.calls }, call))));
  else for (let i = 0; i < s.calls; i++) outcomes.push(await call());
  await tg.gw.commits.idle();
  const left = (await tg.admin<{ balance: number }>("GET", `/accounts/${c.accountId}`)).body.balance;
  const n = (o: string) => outcomes.filter((x) => x === o).length;
  // In order, for calls sent one after another: W whole, c cut short, r refused.
  const order = s.concurrent
    ? ""
    : `  ${outcomes.map((o) => (o === "whole" ? "W" : o === "cut" ? "c" : "r")).join("")}`;
  console.log(
    `${s.name.padEnd(38)} whole ${String(n("whole")).padStart(3)}  cut ${String(n("cut")).padStart(3)}  refused ${String(n("refused")).padStart(3)}  of ${s.calls}; spent ${Math.round((100 * (balance - left)) / balance)}% of a balance for ${s.k} answers${order}`,
  );
}
await tg.stop();
mock.stop();
