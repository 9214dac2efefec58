import { describe, expect, test } from "bun:test";
import { decodeSplit, fixture, fold, splits } from "../../testing/stream-fixtures.ts";
import { anthropicDialect } from "./index.ts";

const decoder = () => anthropicDialect.streamDecoder();

describe("Anthropic stream decoder on the documented streams, split at every byte", () => {
  test("text: deltas, stop, usage from message_start and message_delta", () => {
    const bytes = fixture("anthropic-text.sse");
    for (const cuts of splits(bytes.length)) {
      const f = fold(decodeSplit(bytes, cuts, decoder));
      expect(f).toMatchObject({ starts: 1, text: "Hello!", stop: "stop", calls: [] });
      expect(f.usage).toEqual({ inputTokens: 25, cachedTokens: 0, outputTokens: 15, cacheWriteTokens: 0 });
    }
  });

  test("tool use: text block, then the tool input assembled from input_json_delta pieces", () => {
    const bytes = fixture("anthropic-tool.sse");
    for (const cuts of splits(bytes.length)) {
      const f = fold(decodeSplit(bytes, cuts, decoder));
      expect(f.text).toBe("Okay, let's check the weather for San Francisco, CA:");
      expect(f.calls).toHaveLength(1);
      expect(f.calls[0]).toMatchObject({ id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" });
      expect(JSON.parse(f.calls[0]!.args)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
      expect(f.stop).toBe("tool_calls");
      expect(f.usage).toEqual({ inputTokens: 472, cachedTokens: 0, outputTokens: 89, cacheWriteTokens: 0 });
    }
  });

  test("thinking: thinking deltas and the signature, then text; no usage reported stays unreported", () => {
    const bytes = fixture("anthropic-thinking.sse");
    for (const cuts of splits(bytes.length)) {
      const f = fold(decodeSplit(bytes, cuts, decoder));
      expect(f.thinking).toContain("10,800 + 1,350 + 81 = 12,231");
      expect(f.signature).toBe("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...");
      expect(f.text).toBe("27 * 453 = 12,231");
      expect(f.stop).toBe("stop");
      expect(f.usage).toEqual({});
    }
  });

  test("cache reads and writes count as input; reads are the cached tokens, writes kept apart", () => {
    const f = fold(
      decodeSplit(
        new TextEncoder().encode(
          'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":25,"cache_creation_input_tokens":300,"cache_read_input_tokens":1200,"output_tokens":1}}}\n\n',
        ),
        [],
        decoder,
      ),
    );
    expect(f.usage).toEqual({
      inputTokens: 1525,
      cachedTokens: 1200,
      outputTokens: 1,
      cacheWriteTokens: 300,
    });
  });

  test("the one-hour share of the cache writes, from cache_creation (with or without the total)", () => {
    const start = (usage: string) =>
      fold(
        decodeSplit(
          new TextEncoder().encode(
            `event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"c","usage":${usage}}}\n\n`,
          ),
          [],
          decoder,
        ),
      ).usage;
    const split = '"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":200}';
    const expected = {
      inputTokens: 305,
      cachedTokens: 0,
      outputTokens: 1,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 200,
    };
    expect(start(`{"input_tokens":5,"cache_creation_input_tokens":300,${split},"output_tokens":1}`)).toEqual(
      expected,
    );
    expect(start(`{"input_tokens":5,${split},"output_tokens":1}`)).toEqual(expected);
  });

  test("an error event ends the stream as an error", () => {
    const evs = decodeSplit(
      new TextEncoder().encode(
        'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n',
      ),
      [],
      decoder,
    );
    expect(evs[0]?.type).toBe("error");
  });
});
