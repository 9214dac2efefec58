/**
 * Issue 16: a stream tap keeps what its fallback count reads in blocks of KEEP_BLOCK items (text
 * joined; raw chunks, OpenAI chat's and Anthropic's, as their difference from a template, see
 * kept-items.ts), so a long stream no longer keeps every chunk it forwarded. That must not change
 * a character of what is counted (the charge of a stream whose upstream reports no usage), nor
 * anything forwarded. Each property runs the same events through three taps of a dialect: one
 * keeping every item in a plain array (the count before issue 16: the same reading over every
 * chunk), the production one (blocks of 64) and one with blocks of 1 to 9, and compares
 * everything the gateway reads from them. Bounded for `npm test`; `TOLLGATE_PROPERTY_RUNS=3000`
 * for a long run.
 */

import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Usage } from "../core/usage.ts";
import type { SseEvent } from "../sse/parser.ts";
import { heapInUse, openaiWordChunk } from "../testing/long-stream.ts";
import { countText } from "../tokens/count.ts";
import { AnthropicTap } from "./anthropic/tap.ts";
import { GeminiFraming } from "./gemini/encode-response.ts";
import { GeminiTap } from "./gemini/tap.ts";
import { DeltaChunks, KEEP_BLOCK, type Keeper, type Reader } from "./kept-items.ts";
import type { MeteredTap } from "./metered-tap.ts";
import { OpenAIChatTap } from "./openai-chat/tap.ts";
import { ResponsesTap } from "./openai-responses/tap.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 60);
/** A long run's time limit: the tokenizer counts each run's text three times. */
const LIMIT = 5_000 + RUNS * 150;
const dec = new TextDecoder();
const USAGE: Usage = { inputTokens: 11, cachedTokens: 0, outputTokens: 5 };

/** A tap of one dialect keeping blocks of `every` items (Infinity: every item as it came, as before issue 16). */
type Make = (every: number) => MeteredTap;

/** What the gateway reads from a tap, after feeding it `events` and ending the input. */
function run(tap: MeteredTap, events: SseEvent[]) {
  const forwarded = events.map((ev) => {
    const out = tap.push(ev);
    return out === null ? null : dec.decode(out);
  });
  tap.endOfInput();
  const outputText = tap.outputText();
  return {
    forwarded,
    outputText,
    // what a stream without usage is charged for (stream-response.ts counts it so)
    outputTokens: countText(outputText),
    usage: tap.usage(),
    failed: tap.failed?.message ?? null,
    ended: tap.ended,
    sawOutput: tap.sawOutput,
    // a made-up usage chunk stamps the time when the first chunk had none
    finish: dec.decode(tap.finish(USAGE)).replace(/"created":\d+/, '"created":0'),
  };
}

/** The three taps agree on everything; the one keeping every item is the count before issue 16. */
function sameAsKeepingEverything(make: Make, events: SseEvent[], every: number) {
  const before = run(make(Number.POSITIVE_INFINITY), events);
  expect(run(make(KEEP_BLOCK), events)).toEqual(before);
  expect(run(make(every), events)).toEqual(before);
  return before;
}

/** Keeping every item as it came, in a plain array: the count before issue 16. */
class KeepEvery implements Keeper {
  private readonly items: string[] = [];
  push(item: string): void {
    this.items.push(item);
  }
  text(read: Reader): string {
    return read(this.items);
  }
}

function keeping<T extends MeteredTap>(tap: T, every: number): T {
  // The tap's own kind of keeper (it keeps blocks of KEEP_BLOCK), with blocks of `every` instead.
  const Kind = (tap as unknown as { keeper(): Keeper }).keeper().constructor as new (every: number) => Keeper;
  const keeper = () => (every === Number.POSITIVE_INFINITY ? new KeepEvery() : new Kind(every));
  Object.defineProperty(tap, "keeper", { value: keeper });
  return tap;
}

/** Generated text: any unicode, emoji and lone surrogate halves (an emoji split across chunks), markers. */
const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
  fc.constantFrom(
    "",
    " ",
    "\ud83d",
    "\ude00",
    "😀",
    "👩‍💻",
    "é",
    "\\",
    '"usage":null',
    '"error":{}',
    '"finish_reason":"stop"',
  ),
);
const every = fc.integer({ min: 1, max: 9 });
/** Up to a few hundred events: several blocks of 64, and boundaries anywhere. */
const many = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 300, size: "max" });

/** A JSON text as upstreams write it, spaced, or cut short (not JSON). */
const spelled = (o: unknown) =>
  fc.oneof(
    { arbitrary: fc.constant(JSON.stringify(o)), weight: 8 },
    { arbitrary: fc.constant(JSON.stringify(o, null, 1)), weight: 1 },
    {
      arbitrary: fc.nat().map((n) => JSON.stringify(o).slice(0, n % (JSON.stringify(o).length + 1))),
      weight: 1,
    },
  );

describe("OpenAI chat: the kept chunks give the fallback count exactly", () => {
  const make: Make = (n) => keeping(new OpenAIChatTap(false, "pub"), n);
  const makeAsking: Make = (n) => keeping(new OpenAIChatTap(true, "pub"), n);
  const toolCall = fc.record(
    {
      index: fc.nat(3),
      id: fc.string({ maxLength: 3 }),
      type: fc.constant("function"),
      function: fc.record({ name: text, arguments: text }, { requiredKeys: [] }),
    },
    { requiredKeys: ["index"] },
  );
  const delta = fc.record(
    {
      role: fc.constant("assistant"),
      content: fc.option(text, { nil: null }),
      reasoning_content: text,
      reasoning: text,
      refusal: text,
      tool_calls: fc.array(toolCall, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  const choice = fc.record({
    index: fc.nat(2),
    delta,
    finish_reason: fc.option(fc.constantFrom("stop", "length", "tool_calls"), { nil: null }),
  });
  const chunk = fc
    .record({
      id: fc.constantFrom("chatcmpl-1", "chatcmpl-2"),
      choices: fc.array(choice, { maxLength: 3 }),
      usageNull: fc.boolean(),
      // OpenAI pads each chunk with a random string of random length (stream_options.include_obfuscation)
      obfuscation: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    })
    .chain(({ id, choices, usageNull, obfuscation }) =>
      spelled({
        id, // a made-up usage chunk copies the first chunk's
        object: "chat.completion.chunk",
        created: 7,
        model: "up-model",
        choices,
        ...(usageNull ? { usage: null } : {}),
        ...(obfuscation === undefined ? {} : { obfuscation }),
      }),
    );
  const odd = fc.constantFrom(
    "null",
    "5",
    "[]",
    '"a string"',
    "not json at all",
    '{"choices":null}',
    '{"choices":5}',
    '{"choices":"abc"}',
    '{"choices":[{"delta":{"content":"kept"}},null,{"delta":{"content":"lost"}}]}',
    '{"choices":[{"delta":{"content":"x","tool_calls":[null]}}]}',
    '{"choices":[{"delta":"a string"}]}',
    '{"choices":[{"delta":{"content":"\\u0065scaped"}}],"usage":null}',
    '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}',
    '{"error":{"message":"upstream fell over"}}',
    "[DONE]",
  );
  const event = fc
    .oneof({ arbitrary: chunk, weight: 20 }, { arbitrary: odd, weight: 1 })
    .map((data) => ({ data }));

  test(
    "any chunks, malformed ones included: the same text, usage and bytes as keeping every chunk",
    () => {
      fc.assert(
        fc.property(many(event), every, fc.boolean(), (events, n, asking) => {
          sameAsKeepingEverything(asking ? makeAsking : make, events, n);
        }),
        { numRuns: RUNS },
      );
    },
    LIMIT,
  );

  test(
    "a long answer in well-formed chunks: the count reads every piece, in order",
    () => {
      fc.assert(
        fc.property(
          fc.array(text, { minLength: KEEP_BLOCK, maxLength: 400, size: "max" }),
          every,
          (pieces, n) => {
            const events = pieces.map((content, i) => ({
              data: JSON.stringify({
                id: "c",
                created: 7,
                model: "m",
                choices: [{ index: i % 2, delta: { content } }],
              }),
            }));
            expect(sameAsKeepingEverything(make, events, n).outputText).toBe(pieces.join(""));
          },
        ),
        { numRuns: RUNS },
      );
    },
    LIMIT,
  );
});

describe("Anthropic: the kept deltas give the fallback count exactly", () => {
  const make: Make = (n) => keeping(new AnthropicTap("pub"), n);
  const delta = fc
    .record({
      index: fc.nat(2),
      delta: fc.oneof(
        text.map((t) => ({ type: "text_delta", text: t })),
        text.map((t) => ({ type: "input_json_delta", partial_json: t })),
        text.map((t) => ({ type: "thinking_delta", thinking: t })),
        fc.constant({ type: "signature_delta", signature: "sig" }),
      ),
    })
    .chain((d) => spelled({ type: "content_block_delta", ...d }))
    .map((data) => ({ event: "content_block_delta", data }));
  const other = fc.oneof(
    text.map((name) => ({
      event: "content_block_start",
      data: JSON.stringify({
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", name },
      }),
    })),
    fc.nat(99).map((n) => ({
      event: "message_start",
      data: JSON.stringify({
        type: "message_start",
        message: { model: "up", usage: { input_tokens: n, output_tokens: 1 } },
      }),
    })),
    fc.nat(99).map((n) => ({
      event: "message_delta",
      data: JSON.stringify({
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: { output_tokens: n },
      }),
    })),
    fc.constantFrom(
      { event: "ping", data: '{"type":"ping"}' },
      { event: "message_stop", data: '{"type":"message_stop"}' },
      {
        event: "content_block_delta",
        data: '{"type":"content_block_delta","delta":{"text":"u"},"usage":{}}',
      },
      { event: "error", data: '{"type":"error","error":{"type":"overloaded_error","message":"busy"}}' },
    ),
  );
  const start = {
    event: "message_start",
    data: '{"type":"message_start","message":{"model":"up","usage":{"input_tokens":9,"output_tokens":1}}}',
  };

  test(
    "any events, malformed deltas included: the same text, usage and bytes as keeping every event",
    () => {
      fc.assert(
        fc.property(
          many(fc.oneof({ arbitrary: delta, weight: 20 }, { arbitrary: other, weight: 1 })),
          every,
          (events, n) => {
            sameAsKeepingEverything(make, [start, ...events], n);
          },
        ),
        { numRuns: RUNS },
      );
    },
    LIMIT,
  );
});

describe("taps that keep text (Responses, Gemini, the translating codecs): joined every 64, exactly", () => {
  test(
    "Responses deltas",
    () => {
      const make: Make = (n) => keeping(new ResponsesTap("pub"), n);
      fc.assert(
        fc.property(many(text), every, (pieces, n) => {
          const events = pieces.map((delta) => ({
            event: "response.output_text.delta",
            data: JSON.stringify({ type: "response.output_text.delta", delta }),
          }));
          expect(sameAsKeepingEverything(make, events, n).outputText).toBe(pieces.join(""));
        }),
        { numRuns: RUNS },
      );
    },
    LIMIT,
  );

  test(
    "Gemini parts, text and function calls",
    () => {
      const make: Make = (n) => keeping(new GeminiTap(new GeminiFraming(true), "pub"), n);
      const part = fc.oneof(
        text.map((t) => ({ text: t })),
        text.map((name) => ({ functionCall: { name, args: {} } })),
      );
      fc.assert(
        fc.property(many(fc.array(part, { maxLength: 2 })), every, (chunks, n) => {
          const events = chunks.map((parts) => ({
            data: JSON.stringify({
              candidates: [{ content: { parts } }],
              usageMetadata: { promptTokenCount: 4 },
            }),
          }));
          sameAsKeepingEverything(make, events, n);
        }),
        { numRuns: RUNS },
      );
    },
    LIMIT,
  );
});

describe("DeltaChunks: every chunk comes back exactly", () => {
  /** Any text: unicode, lone surrogate halves, quotes, backslashes, the header bytes themselves. */
  const any = fc.oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.string({
      unit: fc.constantFrom('"', "\\", "{", "}", ":", ",", "\u0000", "\u007f", "\u0080", "\uffff", "a"),
    }),
  );
  /** A chunk shape: fixed opening, middle and ending with two holes, like a JSON chunk's fixed fields. */
  const quoted = fc.tuple(any, any).map(([k, v]) => `"},"${k}":null,"${v}":"`);
  const shape = fc.record({ head: any, mid: fc.oneof(any, quoted), tail: any });
  const chunks = fc.array(shape, { minLength: 1, maxLength: 3 }).chain((shapes) =>
    many(
      fc.oneof(
        // a chunk of one of the shapes, its holes filled (the second often like OpenAI's obfuscation padding)
        {
          arbitrary: fc
            .tuple(fc.nat(shapes.length - 1), any, fc.oneof(any, fc.string({ maxLength: 64 })))
            .map(([k, fill, pad]) => `${shapes[k]!.head}${fill}${shapes[k]!.mid}${pad}${shapes[k]!.tail}`),
          weight: 12,
        },
        // a chunk that matches nothing, malformed JSON, a long one (past 32,767 characters: a three-character header)
        { arbitrary: any, weight: 1 },
        { arbitrary: fc.nat(1000).map((n) => "x".repeat(n * 50)), weight: 1 },
      ),
    ),
  );
  const blocks = fc.oneof(every, fc.constant(KEEP_BLOCK));

  test(
    "any chunks, from a few random shapes or none: rebuilt character for character, in order",
    () => {
      fc.assert(
        fc.property(chunks, blocks, (pushed, n) => {
          const kept = new DeltaChunks(n);
          for (const d of pushed) kept.push(d);
          expect(kept.chunks()).toEqual(pushed);
          let read: readonly string[] = [];
          kept.text((items) => {
            read = items;
            return "";
          });
          expect(read).toEqual(pushed);
        }),
        { numRuns: RUNS * 3 },
      );
    },
    LIMIT,
  );

  test("OpenAI's chunks with obfuscation padding of every length: exact", () => {
    const pushed = Array.from(
      { length: 1000 },
      (_, i) => `${openaiWordChunk(i).data.slice(0, -1)},"obfuscation":"${"Xy9".repeat(i % 7)}"}`,
    );
    const kept = new DeltaChunks();
    for (const d of pushed) kept.push(d);
    expect(kept.chunks()).toEqual(pushed);
  });
});

describe("regressions", () => {
  test("a chunk that is cut between the halves of an emoji: each half counted where it came", () => {
    const make: Make = (n) => keeping(new OpenAIChatTap(false, "pub"), n);
    const events = ["a\ud83d", "\ude00b", "\ud83d"].map((content) => ({
      data: JSON.stringify({ choices: [{ index: 0, delta: { content } }] }),
    }));
    expect(sameAsKeepingEverything(make, events, 1).outputText).toBe("a😀b\ud83d");
  });
});

test("a made-up usage chunk copies the first chunk's id and time, kept in a block long before", () => {
  const tap = new OpenAIChatTap(true, "pub");
  const chunk = (id: string, created: number) => ({
    data: JSON.stringify({ id, created, model: "up", choices: [{ index: 0, delta: { content: "x" } }] }),
  });
  tap.push(chunk("first", 1));
  for (let i = 0; i < 3 * KEEP_BLOCK; i++) tap.push(chunk("later", 2));
  const made = JSON.parse(dec.decode(tap.finish(USAGE)).split("\n\n")[0]!.slice(6));
  expect(made).toMatchObject({ id: "first", created: 1, model: "pub", usage: { completion_tokens: 5 } });
  expect(tap.outputText()).toBe("x".repeat(3 * KEEP_BLOCK + 1));
});

describe("memory: a long stream keeps its chunks' differences, not its chunks", () => {
  /** Bytes of heap per chunk kept by 100 OpenAI chat taps fed 2,000 chunks each, the first `roles` naming the role. */
  function keptPerChunk(obfuscated: boolean, roles = 1): number {
    const chunk = (i: number) => {
      const ev = openaiWordChunk(i, obfuscated);
      return i < roles
        ? { data: ev.data.replace('"delta":{"content"', '"delta":{"role":"assistant","content"') }
        : ev;
    };
    const taps: OpenAIChatTap[] = [];
    const before = heapInUse();
    for (let t = 0; t < 100; t++) {
      const tap = new OpenAIChatTap(false, "pub");
      for (let i = 0; i < 2000; i++) tap.push(chunk(i));
      taps.push(tap);
    }
    const perChunk = (heapInUse() - before) / 100 / 2000;
    expect(taps.every((tap) => tap.outputText().startsWith(" word0 word1"))).toBe(true);
    return perChunk;
  }

  test("OpenAI chat: well under the 287 bytes a chunk of keeping each", () => {
    // About 10 bytes a chunk kept (the word and a header), plus up to 64 chunks not copied yet.
    expect(keptPerChunk(false)).toBeLessThan(60);
  });

  test("OpenAI chat padded with obfuscation, the first chunk naming the role: the padding kept, not the fields", () => {
    // A template learned only from the first two chunks (the first unlike the rest) kept
    // 111 bytes a chunk here; learned again at the third chunk, 36.
    expect(keptPerChunk(true)).toBeLessThan(70);
  });

  test("the same, the first three chunks unlike the rest: learned again after a block that kept much", () => {
    expect(keptPerChunk(true, 3)).toBeLessThan(70);
  });
});
