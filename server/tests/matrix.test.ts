import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PROVIDER_SECRET, type TestGateway } from "../testing/harness.ts";
import { CALL_ARGS, PROVIDERS, startMatrix, TOOL_RESULT } from "../testing/matrix.ts";
import { SURFACES } from "../testing/matrix-drivers.ts";
import type { MockUpstream } from "../testing/mock-upstream.ts";

/**
 * Every inbound surface (official SDK) x every provider kind (mock of the vendor's wire
 * format), plain and streamed, text and tool call: the answer, the tool arguments, the
 * stop reason, the usage the client saw, and what was billed and logged.
 */
let mocks: Map<string, MockUpstream>;
let tg: TestGateway;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ tg, mocks, stop } = await startMatrix());
});
afterAll(() => stop());

const TEXT = "Sunny and mild in Paris today.";
const ARGS = { city: "Paris", unit: "c" };
/** Reported by every mock in its own format: 21 prompt tokens of which 4 cache reads, 9 output. */
const USAGE = { prompt_tokens: 21, completion_tokens: 9, cached_tokens: 4 };
/** (21 - 4) x 1 + 4 x 0.5 + 9 x 2 = 37 per million tokens. */
const COST = 37 / 1e6;
/** A vendor that reports no cache reads (Yandex): 21 x 1 + 9 x 2 = 39. */
const COST_UNCACHED = 39 / 1e6;

for (const surface of SURFACES) {
  describe(`surface ${surface.name}`, () => {
    for (const provider of PROVIDERS) {
      for (const stream of [false, true]) {
        for (const tools of [false, true]) {
          const name = `-> ${provider.kind} ${stream ? "stream" : "json"} ${tools ? "tool call" : "text"}`;
          test(name, async () => {
            const mock = mocks.get(provider.kind)!;
            mock.next(
              tools
                ? { toolCalls: [{ name: "get_weather", arguments: JSON.stringify(ARGS) }], usage: USAGE }
                : { text: TEXT, chunks: 3, usage: USAGE },
            );
            const seen = mock.received.length;
            const c = await tg.client(1);
            const out = await surface.run(tg, c.key, `m-${provider.kind}`, { stream, tools });

            if (tools) {
              expect(out.calls).toEqual([{ name: "get_weather", args: ARGS }]);
              expect(out.stop).toBe("tool_calls");
            } else {
              expect(out.text).toBe(TEXT);
              expect(out.calls).toEqual([]);
              expect(out.stop).toBe("stop");
            }
            const cached = provider.reportsCached === false ? 0 : 4;
            expect(out.usage).toEqual({ input: 21, cached, output: 9 });

            // Upstream: one request, the upstream model id, the provider's own key.
            const up = mock.received.slice(seen);
            expect(up.length).toBe(1);
            expect(up[0]!.headers[provider.authHeader]).toContain(PROVIDER_SECRET);
            expect(JSON.stringify(up[0]!.body)).not.toContain(c.key);

            const [row] = await tg.logRows(c.keyId);
            expect(row).toMatchObject({
              status: 200,
              outcome: "ok",
              stream,
              model: `m-${provider.kind}`,
              provider: `p-${provider.kind}`,
              input_tokens: 21,
              cached_tokens: cached,
              output_tokens: 9,
              usage_source: "upstream",
            });
            const cost = cached ? COST : COST_UNCACHED;
            expect(row?.cost as number).toBeCloseTo(cost, 12);
            const bal = (await (
              await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${c.key}` } })
            ).json()) as { balance: number };
            expect(bal.balance).toBeCloseTo(1 - cost, 12);
          });
        }
      }
    }
  });
}

describe("tool round trip: the second turn reaches every upstream in its own format", () => {
  for (const surface of SURFACES)
    for (const provider of PROVIDERS)
      for (const stream of [false, true])
        test(`${surface.name} -> ${provider.kind} ${stream ? "stream" : "json"}`, async () => {
          const mock = mocks.get(provider.kind)!;
          mock.next({ text: TEXT, usage: USAGE });
          const seen = mock.received.length;
          const c = await tg.client(1);
          const out = await surface.run(tg, c.key, `m-${provider.kind}`, {
            stream,
            tools: true,
            toolResult: true,
          });
          expect(out.text).toBe(TEXT);
          expect(out.stop).toBe("stop");
          const turn = provider.toolTurn(mock.received[seen]!.body);
          expect(turn.name).toBe("get_weather");
          expect(turn.args).toEqual(CALL_ARGS);
          expect(turn.result).toContain(TOOL_RESULT);
          expect(turn.linked).toBe(true);
          const [row] = await tg.logRows(c.keyId);
          expect(row).toMatchObject({ status: 200, input_tokens: 21, output_tokens: 9 });
        });
});
