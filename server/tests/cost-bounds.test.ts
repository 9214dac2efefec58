import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { planReservation } from "../billing/reserve-plan.ts";
import { providerOptionIssues } from "../config/provider-options.ts";
import { type Client, CostRig, MODEL_LIMIT, type Sent, type TextCall } from "../testing/cost-rig.ts";

/**
 * The upstream receives exactly the bounds the reservation was computed from (see
 * docs/cost-bounds.md). The examples the attack review found, and the counterexamples the
 * property test (cost-bounds.property.test.ts) shrank to, each against the real server and
 * honest mocks that write every answer up to the cap they read.
 */
let rig: CostRig;
beforeAll(async () => {
  rig = await CostRig.start();
});
afterAll(async () => {
  await rig.stop();
});
beforeEach(() => {
  for (const m of rig.mocks.values()) m.reset();
  rig.honest("first");
});

const gemini = (model: string, fields: [string, unknown][], stream = false): TextCall => ({
  surface: "gemini",
  model,
  stream,
  fields,
});
const chat = (model: string, fields: [string, unknown][], stream = false): TextCall => ({
  surface: "chat",
  model,
  stream,
  fields,
});

const errorOf = (s: Sent) => JSON.parse(s.text).error as Record<string, unknown>;

/** Sends the calls at once and expects every rule held. */
async function sendAll(client: Client, calls: TextCall[]): Promise<Sent[]> {
  const sent = await Promise.all(calls.map((c) => rig.send(client.key, c)));
  expect(await rig.violations(client, sent)).toEqual([]);
  return sent;
}

describe("the four examples of the attack review", () => {
  test("a negative Gemini maxOutputTokens is a 400 in Google's shape and frees no money for concurrent calls", async () => {
    const c = await rig.client("0.00002");
    // Slow, so that a reservation made for it would still be open while the chat calls reserve.
    rig.mocks.get("gemini")!.next({ honestCaps: "first", delayMs: 200 });
    const [negative, ...chats] = await sendAll(c, [
      gemini("m-gemini", [["generationConfig", { maxOutputTokens: -1_000_000_000 }]]),
      ...Array.from({ length: 20 }, () => chat("m-openai", [])),
    ]);
    expect(negative!.status).toBe(400);
    expect(errorOf(negative!)).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(String(errorOf(negative!).message)).toContain("generationConfig.maxOutputTokens");
    expect(chats.map((s) => s.status)).toEqual(Array(20).fill(402));
    expect(rig.mocks.get("gemini")!.received).toHaveLength(0);
  });

  test("max_tokens and max_completion_tokens that differ are a 400; equal, exactly one goes upstream", async () => {
    const c = await rig.client("1");
    const [differ, same] = await sendAll(c, [
      chat("m-openai", [
        ["max_tokens", 400],
        ["max_completion_tokens", 1200],
      ]),
      chat("m-openai", [
        ["max_tokens", 100],
        ["max_completion_tokens", 100],
      ]),
    ]);
    expect(differ!.status).toBe(400);
    expect(errorOf(differ!)).toMatchObject({ type: "invalid_request_error", code: "conflicting_fields" });
    expect(same!.status).toBe(200);
    expect(rig.received(differ!.requestId)).toEqual([]);
    const [body] = rig.received(same!.requestId);
    expect(body).toMatchObject({ max_completion_tokens: 100 });
    expect(body).not.toHaveProperty("max_tokens");
  });

  test("candidateCount 4 is reserved as four answers: the cap is lowered so all four fit the balance", async () => {
    const c = await rig.client("0.0005");
    const [s] = await sendAll(c, [
      gemini("m-gemini", [["generationConfig", { maxOutputTokens: 100, candidateCount: 4 }]]),
    ]);
    expect(s!.status).toBe(200);
    const [body] = rig.received(s!.requestId);
    const g = body!.generationConfig as Record<string, number>;
    expect(g.candidateCount).toBe(4);
    expect(g.maxOutputTokens).toBeLessThan(100);
    expect(rig.reported(s!.requestId)!.completion).toBe(4 * g.maxOutputTokens!);
  });

  test("generation_config.max_output_tokens is the cap: forwarded once, in camelCase, with no default beside it", async () => {
    const c = await rig.client("1");
    for (const order of ["first", "last"] as const) {
      rig.honest(order);
      const [s] = await sendAll(c, [
        gemini("m-gemini", [["generation_config", { max_output_tokens: 50 }]], true),
      ]);
      expect(s!.status).toBe(200);
      const [body] = rig.received(s!.requestId);
      expect(body).not.toHaveProperty("generation_config");
      expect(body!.generationConfig).toEqual({ maxOutputTokens: 50 });
      expect(rig.reported(s!.requestId)!.completion).toBe(50);
    }
  });

  test("maxOutputTokens 1.5 is a 400, not a 500", async () => {
    const c = await rig.client("1");
    const [s] = await sendAll(c, [gemini("m-gemini", [["generationConfig", { maxOutputTokens: 1.5 }]])]);
    expect(s!.status).toBe(400);
    expect(errorOf(s!)).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
  });
});

describe("counterexamples the property test found", () => {
  test("best_of 2 is refused: an upstream honouring it writes two answers for one reserved", async () => {
    const c = await rig.client("0.000058");
    const [s] = await sendAll(c, [chat("m-openai", [["best_of", 2]])]);
    expect(s!.status).toBe(400);
    expect(errorOf(s!)).toMatchObject({ param: "best_of", code: "unsupported_feature" });
  });

  test("a negative Gemini cap on a translated route is a 400 before any upstream is called", async () => {
    const c = await rig.client("0");
    const [s] = await sendAll(c, [
      gemini("m-openai", [["generationConfig", { maxOutputTokens: -16, max_output_tokens: -16 }]]),
    ]);
    expect(s!.status).toBe(400);
    expect(rig.received(s!.requestId)).toEqual([]);
  });
});

describe("every spelling, every multiplier", () => {
  test("prediction is refused (rejected prediction tokens are billed beyond the cap); best_of 1 and n pass", async () => {
    const c = await rig.client("1");
    const [prediction, ok] = await sendAll(c, [
      chat("m-openai", [["prediction", { type: "content", content: "x".repeat(400) }]]),
      chat("m-openai", [
        ["best_of", 1],
        ["n", 3],
        ["max_tokens", 40],
      ]),
    ]);
    expect(prediction!.status).toBe(400);
    expect(errorOf(prediction!).param).toBe("prediction");
    expect(ok!.status).toBe(200);
    expect(rig.reported(ok!.requestId)!.completion).toBe(120);
  });

  test("Gemini spellings that disagree are a 400, whether the field or the container is doubled", async () => {
    const c = await rig.client("1");
    const sent = await sendAll(c, [
      gemini("m-gemini", [["generationConfig", { maxOutputTokens: 50, max_output_tokens: 60 }]]),
      gemini("m-gemini", [["generationConfig", { candidateCount: 1, candidate_count: 2 }]]),
      gemini("m-gemini", [
        ["generationConfig", { maxOutputTokens: 50 }],
        ["generation_config", { maxOutputTokens: 60 }],
      ]),
      gemini("m-gemini", [["generationConfig", { candidateCount: 9 }]]),
      gemini("m-gemini", [["generationConfig", "lots"]]),
    ]);
    expect(sent.map((s) => s.status)).toEqual([400, 400, 400, 400, 400]);
    expect(rig.mocks.get("gemini")!.received).toHaveLength(0);
  });

  test("a cap above the model's declared limit is lowered to it and sent as such", async () => {
    const c = await rig.client("1");
    const sent = await sendAll(c, [
      chat("m-anthropic", [["max_tokens", 100_000]]),
      { surface: "messages", model: "m-gemini", stream: true, fields: [["max_tokens", 9_000_000]] },
      {
        surface: "responses",
        model: "m-openai-responses",
        stream: false,
        fields: [["max_output_tokens", 5000]],
      },
    ]);
    expect(sent.map((s) => s.status)).toEqual([200, 200, 200]);
    for (const s of sent) expect(rig.reported(s.requestId)!.completion).toBe(MODEL_LIMIT);
  });

  test("a provider's max_tokens_field carries the cap reserved for, not the client's other spelling", async () => {
    // Balance for about 100 output tokens: the cap is lowered, and only the lowered one may go upstream.
    const c = await rig.client("0.0003");
    const [s] = await sendAll(c, [
      chat("m-openai-mct", [
        ["max_tokens", 300],
        ["max_completion_tokens", 300],
      ]),
    ]);
    expect(s!.status).toBe(200);
    const [body] = rig.received(s!.requestId);
    expect(body).not.toHaveProperty("max_tokens");
    expect(body!.max_completion_tokens as number).toBeLessThan(300);
  });

  test("a mistyped max_tokens_field stops the configuration", () => {
    expect(providerOptionIssues("openai", { max_tokens_field: "max_completion_token" })).toEqual([
      ["max_tokens_field", 'must be "max_tokens" or "max_completion_tokens"'],
    ]);
    expect(providerOptionIssues("openai", { max_tokens_field: "max_tokens" })).toEqual([]);
  });
});

describe("a reservation is a non-negative whole number", () => {
  const base = {
    // Nano-units per 1M tokens: 1 and 2 currency units.
    prices: { input: 1e9, cachedInput: 5e8, output: 2e9 },
    inputTokens: 100,
    defaultMaxTokens: 400,
    choices: 1,
    available: 10 ** 9,
  };

  test("a cap or a choice count that is not a positive whole number stops the plan", () => {
    for (const bad of [-1_000_000_000, 0, 1.5, Number.NaN])
      expect(() => planReservation({ ...base, requestedMaxTokens: bad })).toThrow(RangeError);
    expect(() => planReservation({ ...base, requestedMaxTokens: 10, choices: 0 })).toThrow(RangeError);
  });

  test("free output and a balance short of the prompt: refused at once, whatever the cap", () => {
    const plan = planReservation({
      ...base,
      prices: { input: 1e9, cachedInput: 1e9, output: 0 },
      requestedMaxTokens: 2 ** 50,
      available: 10,
    });
    expect(plan.ok).toBe(false);
  });
});
