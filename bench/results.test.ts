/**
 * The run's arithmetic for the fixed rate with agent-shaped bodies: added latency is taken per
 * round against the direct call of the same round, then the median over rounds; the report and
 * the plan's --only=rate flag. The measuring itself is proven by `npm run bench -- --smoke`.
 */
import { describe, expect, test } from "bun:test";
import { planFromArgs, runName } from "./plan.ts";
import { bodyGoals, table } from "./report.ts";
import { newRecord, type RateSample, summarize } from "./results.ts";

const sample = (round: number, p50: number, p99: number): RateSample => ({
  round,
  requests: 1500,
  errors: 0,
  p50,
  p99,
  mean: p50,
});

function records() {
  const direct = newRecord("direct", "mock", 1);
  const tollgate = newRecord("tollgate", "Tollgate", 1);
  // Round 1's direct call is slow: a difference of medians would hide what Tollgate adds in it.
  direct.rateBodies[128].json.push(sample(0, 0.2, 1), sample(1, 3.0, 9), sample(2, 0.2, 1));
  tollgate.rateBodies[128].json.push(sample(0, 1.7, 9), sample(1, 3.5, 12), sample(2, 2.2, 14));
  direct.rateBodies[128].stream.push(sample(0, 0.2, 1));
  tollgate.rateBodies[128].stream.push(sample(0, 2.4, 8), sample(1, 2.0, 7));
  tollgate.rateBodies[128].stream[1]!.errors = 3;
  return { direct, tollgate };
}

describe("fixed rate with the 128 KB agent body", () => {
  test("added latency is the median of same-round differences; only measured sizes appear", () => {
    const { direct, tollgate } = records();
    const s = summarize(tollgate, direct);
    expect(s.rateBodies.map((b) => b.kb)).toEqual([128]);
    const b = s.rateBodies[0]!;
    expect(b.added.json.p50).toBeCloseTo(1.5); // diffs 1.5, 0.5, 2.0
    expect(b.added.json.p99).toBeCloseTo(8); // diffs 8, 3, 13
    expect(b.latency.json.p50).toBeCloseTo(2.2);
    // A round without its direct counterpart is left out of the difference.
    expect(b.added.stream.p50).toBeCloseTo(2.2);
    expect(s.errors).toBe(3);
    expect(s.added.json.p50).toBeNaN(); // the small body was not measured here
  });

  test("the table gets a row per kind and the goals issue 16's 2 ms / 10 ms lines", () => {
    const { direct, tollgate } = records();
    const bare = newRecord("bare", "bare", 1);
    const portkey = newRecord("portkey", "Portkey", 1);
    const s = [direct, bare, tollgate, portkey].map((r) => summarize(r, direct));
    const plan = planFromArgs([]);
    expect(table(s)).toContain(
      "| Added p50 / p99 over direct at fixed rate, JSON, 128 KB agent body (ms) | - | n/a | +1.50 / +8.00 | n/a |",
    );
    const goals = bodyGoals(s, plan).filter((g) => g.goal.includes("added latency"));
    expect(goals.map((g) => [g.goal, g.measured, g.pass])).toEqual([
      ["128 KB JSON: added latency at 500 req/s, p50 < 2 ms", "+1.50 ms", true],
      ["128 KB JSON: added latency at 500 req/s, p99 < 10 ms", "+8.00 ms", true],
      ["128 KB stream: added latency at 500 req/s, p50 < 2 ms", "+2.20 ms", false],
      ["128 KB stream: added latency at 500 req/s, p99 < 10 ms", "+7.00 ms", true],
    ]);
  });
});

describe("plan", () => {
  test("both modes measure the 128 KB body at the fixed rate", () => {
    expect(planFromArgs([]).rateBodyKbs).toEqual([128]);
    expect(planFromArgs(["--smoke"]).rateBodyKbs).toEqual([128]);
  });

  test("--only=rate names its results apart from the full run's", () => {
    const p = planFromArgs(["--only=rate", "--rounds=2"]);
    expect([p.only, p.rounds, runName(p)]).toEqual(["rate", 2, "full-rate"]);
    expect(runName(planFromArgs([]))).toBe("full");
    expect(() => planFromArgs(["--only=saturation"])).toThrow("--only=rate");
  });
});
