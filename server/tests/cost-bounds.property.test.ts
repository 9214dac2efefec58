import { afterAll, beforeAll, describe, test } from "bun:test";
import fc from "fast-check";
import { CostRig, MODELS, SURFACES, type Surface, type TextCall } from "../testing/cost-rig.ts";
import type { ReadingOrder } from "../testing/honest-caps.ts";

/**
 * The rule of docs/cost-bounds.md, as a property: whatever a key holder puts in the fields
 * that bound cost (every spelling, any JSON value, in any order), sent concurrently against
 * a small balance to upstreams that write as much as they are allowed and report it
 * honestly (reading duplicate spellings first-wins, then last-wins), there is no 5xx, no
 * balance below zero, no key past its spend limit, and every charge is exactly the cost of
 * the usage the upstream reported. Bounded by default; TOLLGATE_PROPERTY_RUNS=3000 for a
 * long run (TOLLGATE_PROPERTY_SEED replays one).
 */
const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 100);
const SEED = process.env.TOLLGATE_PROPERTY_SEED;

/** Any JSON a client may send in a count field, weighted towards the nearly right. */
const wild: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 600 }), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      16,
      299,
      300,
      301,
      399,
      400,
      401,
      2 ** 31,
      Number.MAX_SAFE_INTEGER,
      2 ** 53,
      1e21,
    ),
    weight: 3,
  },
  { arbitrary: fc.integer({ min: -2_000_000_000, max: 0 }), weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  {
    arbitrary: fc.constantFrom<unknown>("100", "abc", "", "1e3", "-5", null, true, false, [], {}, [100]),
    weight: 2,
  },
);
/** A multiplier: mostly a few answers, sometimes anything. */
const few = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 6 },
  { arbitrary: wild, weight: 1 },
);

type Entries = [string, unknown][];

/** Some of the fields, each with a value, in a random order; `twins` spellings sometimes agree. */
function entries(spec: Record<string, fc.Arbitrary<unknown>>, twins: [string, string][] = []) {
  return fc
    .tuple(
      fc.shuffledSubarray(Object.keys(spec)),
      fc.dictionary(fc.constantFrom(...Object.keys(spec)), fc.constant(true)),
    )
    .chain(([keys, agree]) =>
      fc.tuple(...keys.map((k) => spec[k]!.map((v): [string, unknown] => [k, v]))).map((list: Entries) => {
        const out = new Map(list);
        for (const [a, b] of twins) if (agree[a] && out.has(a) && out.has(b)) out.set(b, out.get(a));
        return list.map(([k]): [string, unknown] => [k, out.get(k)]);
      }),
    );
}

const generationConfig = fc.oneof(
  {
    arbitrary: entries(
      {
        maxOutputTokens: wild,
        max_output_tokens: wild,
        candidateCount: few,
        candidate_count: few,
        temperature: fc.constant(0.5),
      },
      [
        ["maxOutputTokens", "max_output_tokens"],
        ["candidateCount", "candidate_count"],
      ],
    ).map((e) => Object.fromEntries(e)),
    weight: 8,
  },
  { arbitrary: wild, weight: 1 },
);

const FIELDS: Record<Surface, fc.Arbitrary<Entries>> = {
  chat: entries(
    {
      max_tokens: wild,
      max_completion_tokens: wild,
      n: few,
      best_of: few,
      prediction: fc.constantFrom<unknown>({ type: "content", content: "x".repeat(400) }, null),
    },
    [["max_tokens", "max_completion_tokens"]],
  ),
  responses: entries({ max_output_tokens: wild }),
  messages: entries({ max_tokens: wild }),
  gemini: entries({ generationConfig, generation_config: generationConfig }, [
    ["generationConfig", "generation_config"],
  ]),
};

const call: fc.Arbitrary<TextCall> = fc.constantFrom(...SURFACES).chain((surface) =>
  fc.record({
    surface: fc.constant(surface),
    model: fc.constantFrom(...MODELS),
    stream: fc.boolean(),
    fields: FIELDS[surface],
  }),
);

/** Micro-units of the currency as an amount. */
const usd = (micro: number) => (micro / 1e6).toFixed(6);

/** Mostly a few answers' worth at most (0.003), sometimes enough for many answers of many choices (0.1). */
const money = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3000 }), weight: 4 },
  { arbitrary: fc.integer({ min: 3000, max: 100_000 }), weight: 1 },
);

/** Requests sent by status, printed after a long run (how many cases got how far). */
const tally = new Map<number, number>();

let rig: CostRig;
beforeAll(async () => {
  rig = await CostRig.start();
});
afterAll(async () => {
  await rig.stop();
  if (process.env.TOLLGATE_PROPERTY_RUNS)
    console.log(`cost-bounds property: requests by status ${JSON.stringify(Object.fromEntries(tally))}`);
});

describe("cost bounds, generated: the upstream writes only what was reserved and billed", () => {
  for (const order of ["first", "last"] as ReadingOrder[])
    test(
      `upstreams reading the ${order} of two spellings`,
      async () => {
        rig.honest(order);
        await fc.assert(
          fc.asyncProperty(
            money,
            fc.option(money),
            fc.array(call, { minLength: 1, maxLength: 6 }),
            async (balance, limit, calls) => {
              const client = await rig.client(usd(balance), limit === null ? null : usd(limit));
              const sent = await Promise.all(calls.map((c) => rig.send(client.key, c)));
              for (const s of sent) tally.set(s.status, (tally.get(s.status) ?? 0) + 1);
              const broken = await rig.violations(client, sent);
              if (broken.length > 0) throw new Error(broken.join("\n"));
            },
          ),
          { numRuns: RUNS, ...(SEED ? { seed: Number(SEED) } : {}) },
        );
      },
      Math.max(60_000, RUNS * 1_000),
    );
});
