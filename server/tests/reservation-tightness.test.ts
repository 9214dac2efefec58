/**
 * Reservations must not waste a balance: one that pays for K honest answers, spent by calls
 * sent one after another, serves at least K-1 of them whole, and no answer is cut short
 * while the balance still pays for two. (The K-th may be cut or refused: the tokenizer
 * bound keeps a margin over the real count, see billing/prompt-bound.ts.) The upstream
 * bills exactly what it produced and honours the output cap it was sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { costOf } from "../billing/money.ts";
import { TestGateway } from "../testing/harness.ts";
import { MockHonest } from "../testing/mock-honest.ts";
import { TIGHTNESS_PROMPT, tightnessConfig } from "../testing/tightness.ts";

let mock: MockHonest;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockHonest().start();
  tg = await TestGateway.start({ config: tightnessConfig(mock.url) });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});

type Outcome = "whole" | "cut" | "refused";
type Messages = { role: "system" | "user"; content: string }[];

/** What K honest answers to `messages` cost at the test model's prices, in nano-units. */
function balanceFor(k: number, messages: Messages): number {
  const prices = tg.gw.catalog.model("chat")!.prices;
  return (
    k * costOf(prices, { input: MockHonest.promptTokens({ messages }), cached: 0, output: mock.answerTokens })
  );
}

/** `calls` calls, one after another, on a fresh account holding `balance`. */
async function sequential(
  surface: "openai" | "anthropic",
  messages: Messages,
  balance: number,
  calls: number,
): Promise<Outcome[]> {
  const c = await tg.client((balance / 1e9).toFixed(9));
  const [system, ...rest] = messages;
  const out: Outcome[] = [];
  for (let i = 0; i < calls; i++) {
    const res =
      surface === "openai"
        ? await fetch(`${tg.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "chat", messages }),
          })
        : await fetch(`${tg.url}/v1/messages`, {
            method: "POST",
            headers: {
              "x-api-key": c.key,
              "anthropic-version": "2023-06-01",
              "content-type": "application/json",
            },
            // Claude Code and most Anthropic clients ask for far more than an answer needs.
            body: JSON.stringify({
              model: "chat",
              max_tokens: 4096,
              system: system!.content,
              messages: rest,
            }),
          });
    if (res.status === 402) {
      out.push("refused");
      continue;
    }
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    out.push(mock.caps.at(-1)! >= mock.answerTokens ? "whole" : "cut");
  }
  return out;
}

const K = 10;

describe("a balance for K honest answers, spent one call after another", () => {
  for (const surface of ["openai", "anthropic"] as const)
    test(`${surface}: K-1 whole answers, none cut while two more are paid for`, async () => {
      mock.answerTokens = 120;
      const out = await sequential(surface, TIGHTNESS_PROMPT, balanceFor(K, TIGHTNESS_PROMPT), K);
      expect(out.slice(0, K - 1)).toEqual(Array(K - 1).fill("whole"));
    });

  test("a short answer after a long prompt: the byte bound alone would refuse several, the tokenizer does not", async () => {
    mock.answerTokens = 20;
    const out = await sequential("openai", TIGHTNESS_PROMPT, balanceFor(K, TIGHTNESS_PROMPT), K + 2);
    expect(out.slice(0, K - 1)).toEqual(Array(K - 1).fill("whole"));
    // Nothing is served beyond what the balance pays for.
    expect(out.slice(K)).toEqual(["refused", "refused"]);
  });

  test("counterexample the property found against the byte bound's clamp: an 84-token answer, K=2", async () => {
    // The first call's byte bound left room for only part of the answer; the tokenizer bound leaves room for all of it.
    mock.answerTokens = 84;
    const out = await sequential("openai", TIGHTNESS_PROMPT, balanceFor(2, TIGHTNESS_PROMPT), 2);
    expect(out[0]).toBe("whole");
  });

  test("property: any answer length and prompt size, K from 2 to 6", async () => {
    const runs = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 25);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 16, max: 900 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        async (answer, repeat, k) => {
          mock.answerTokens = answer;
          const messages: Messages = [
            TIGHTNESS_PROMPT[0]!,
            { role: "user", content: TIGHTNESS_PROMPT[1]!.content.repeat(repeat) },
          ];
          const out = await sequential("openai", messages, balanceFor(k, messages), k);
          expect(out.slice(0, k - 1)).toEqual(Array(k - 1).fill("whole"));
          expect(out.filter((o) => o === "whole").length).toBeGreaterThanOrEqual(k - 1);
        },
      ),
      { numRuns: runs, seed: Number(process.env.TOLLGATE_PROPERTY_SEED ?? 11) },
    );
  }, 120_000);
});
