import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { KEEP_BLOCK } from "../dialects/kept-items.ts";
import type { TestGateway } from "../testing/harness.ts";
import { startMatrix } from "../testing/matrix.ts";
import type { MockUpstream } from "../testing/mock-upstream.ts";
import { countText } from "../tokens/count.ts";

/**
 * Issue 16: a stream tap keeps its chunks in blocks of KEEP_BLOCK (text joined, raw chunks as
 * their difference from a template) for the text its fallback count reads. Over real HTTP,
 * streams of several blocks from upstreams that report no usage (or
 * streams the client leaves) are billed for exactly the text the old keep-every-chunk count
 * read: the expected count is computed here from the chunks sent, the way that count read them.
 */
let mocks: Map<string, MockUpstream>;
let tg: TestGateway;
let stop: () => Promise<void>;
const upstream = (kind: string) => mocks.get(kind)!;

beforeAll(async () => {
  ({ tg, mocks, stop } = await startMatrix());
});
afterAll(() => stop());

const enc = new TextEncoder();
const dec = new TextDecoder();
const LONG = 3 * KEEP_BLOCK + 17;

type Choice = { index: number; delta: Record<string, unknown>; finish_reason?: string | null };
const sse = (o: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(o)}\n\n`;
const chatChunk = (choices: Choice[]) =>
  sse({ id: "chatcmpl-long", object: "chat.completion.chunk", created: 7, model: "up-openai", choices });

/** The text the fallback count reads from a chunk's choices (generated text, tool names and arguments). */
function deltaText(choices: Choice[]): string {
  let out = "";
  for (const { delta } of choices) {
    for (const f of ["content", "reasoning_content", "reasoning", "refusal"])
      if (typeof delta[f] === "string") out += delta[f];
    for (const call of (delta.tool_calls as { function?: { name?: string; arguments?: string } }[]) ?? []) {
      out += (call.function?.name ?? "") + (call.function?.arguments ?? "");
    }
  }
  return out;
}

/** A long answer of every kind of delta: text in several scripts and emoji, a second choice, tool calls, reasoning, empty deltas. */
function variedChoices(i: number): Choice[] {
  switch (i % 10) {
    case 3:
      return [
        { index: 0, delta: { content: `α${i}` } },
        { index: 1, delta: { content: `😀${i}` } },
      ];
    case 5:
      return [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                ...(i === 5 ? { id: "call_0", type: "function" } : {}),
                function: { ...(i === 5 ? { name: "lookup" } : {}), arguments: `{"q":"日本${i}"}` },
              },
            ],
          },
        },
      ];
    case 7:
      return [{ index: 0, delta: {} }];
    case 9:
      return [{ index: 0, delta: { reasoning_content: `思考${i}` } }];
    default:
      return [{ index: 0, delta: { content: ` wörd${i} 👩‍💻` } }];
  }
}

/** The body cut every `stride` bytes: most cuts fall inside a multi-byte character. */
function cutBytes(body: string, stride: number): Uint8Array[] {
  const bytes = enc.encode(body);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += stride) pieces.push(bytes.slice(at, at + stride));
  return pieces;
}

/** The newest log row of a key, once written. */
async function rowOf(keyId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const [row] = await tg.logRows(keyId);
    if (row) return row;
    await Bun.sleep(20);
  }
  throw new Error("no log row");
}

const post = (path: string, key: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${tg.url}${path}`, {
    method: "POST",
    signal,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });

/** Reads the answer until `marker` came, then leaves. */
async function readUntilThenLeave(res: Response, marker: string, ctrl: AbortController): Promise<void> {
  const reader = res.body!.getReader();
  let seen = "";
  while (!seen.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended before the marker");
    seen += dec.decode(value, { stream: true });
  }
  ctrl.abort();
}

const costOf = (row: Record<string, unknown>) =>
  ((row.input_tokens as number) * 1 + (row.output_tokens as number) * 2) / 1e6;

describe("a long stream without usage is billed for exactly the text the keep-everything count read", () => {
  test("OpenAI chat, complete: malformed chunks, two choices, tool calls, reasoning, emoji split across reads", async () => {
    const c = await tg.client(1);
    const chunks = [
      [{ index: 0, delta: { role: "assistant", content: "" } }],
      ...Array.from({ length: LONG }, (_, i) => variedChoices(i)),
    ];
    let expected = "";
    let body = "";
    chunks.forEach((choices, i) => {
      body += chatChunk(choices);
      expected += deltaText(choices);
      // a chunk that is not JSON: forwarded, never counted
      if (i === 100) body += 'data: {"choices":[{"index":0,"delta":{"content":"never counted"\n\n';
    });
    body += chatChunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
    body += "data: [DONE]\n\n";
    upstream("openai").next({ rawStream: cutBytes(body, 61), chunkDelayMs: 1 });
    const res = await post("/v1/chat/completions", c.key, {
      model: "m-openai",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "a long answer" }],
    });
    const text = await res.text();
    expect(text).toContain("never counted");
    expect(text).toContain("👩‍💻");
    const events = text.split("\n\n").filter((e) => e.startsWith("data: {"));
    const made = JSON.parse(events.at(-1)!.slice(6)) as { usage: { completion_tokens: number } };
    const row = await rowOf(c.keyId);
    expect(row).toMatchObject({ status: 200, usage_source: "estimated", output_tokens: countText(expected) });
    expect(made.usage.completion_tokens).toBe(countText(expected));
    expect(row.cost as number).toBeCloseTo(costOf(row), 12);
  });

  test("an Anthropic client on an OpenAI upstream (a translating tap): the count of every delta", async () => {
    const c = await tg.client(1);
    const pieces = Array.from({ length: LONG }, (_, i) => (i % 4 === 0 ? `🙂${i}` : ` word${i}`));
    const body =
      pieces.map((content) => chatChunk([{ index: 0, delta: { content } }])).join("") +
      chatChunk([{ index: 0, delta: {}, finish_reason: "stop" }]) +
      "data: [DONE]\n\n";
    upstream("openai").next({ rawStream: cutBytes(body, 53), chunkDelayMs: 1 });
    const res = await post("/v1/messages", c.key, {
      model: "m-openai",
      max_tokens: 400,
      stream: true,
      messages: [{ role: "user", content: "a long answer" }],
    });
    expect(await res.text()).toContain("message_stop");
    const row = await rowOf(c.keyId);
    expect(row).toMatchObject({
      status: 200,
      usage_source: "estimated",
      output_tokens: countText(pieces.join("")),
    });
    expect(row.cost as number).toBeCloseTo(costOf(row), 12);
  });
});

describe("a client that leaves a long stream is billed for exactly what was forwarded", () => {
  test("OpenAI chat, no usage: every forwarded chunk counted, folded or not", async () => {
    const c = await tg.client(1);
    const chunks = Array.from({ length: LONG }, (_, i) => variedChoices(i));
    upstream("openai").next({
      rawStream: [...chunks.map(chatChunk), chatChunk([{ index: 0, delta: { content: "the-last-piece" } }])],
      holdOpen: true,
    });
    const ctrl = new AbortController();
    const res = await post(
      "/v1/chat/completions",
      c.key,
      { model: "m-openai", stream: true, messages: [{ role: "user", content: "a long answer" }] },
      ctrl.signal,
    );
    await readUntilThenLeave(res, "the-last-piece", ctrl);
    const row = await rowOf(c.keyId);
    const expected = `${chunks.map(deltaText).join("")}the-last-piece`;
    expect(row).toMatchObject({ status: 499, outcome: "client_closed", usage_source: "estimated" });
    expect(row.output_tokens).toBe(countText(expected));
    expect(row.cost as number).toBeCloseTo(costOf(row), 12);
  });

  test("Anthropic: the larger of the early report and the count of every delta", async () => {
    const c = await tg.client(1);
    const deltas = Array.from({ length: LONG }, (_, i) =>
      i % 5 === 0
        ? { type: "thinking_delta", thinking: `hmm${i} 🤔` }
        : { type: "text_delta", text: ` wort${i} ünïcode` },
    );
    const body = [
      sse(
        {
          type: "message_start",
          message: { id: "msg_1", model: "up-anthropic", usage: { input_tokens: 9, output_tokens: 1 } },
        },
        "message_start",
      ),
      sse(
        {
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "t1", name: "search_tool", input: {} },
        },
        "content_block_start",
      ),
      ...deltas.map((delta) => sse({ type: "content_block_delta", index: 0, delta }, "content_block_delta")),
      sse(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "the-last-piece" } },
        "content_block_delta",
      ),
    ];
    upstream("anthropic").next({ rawStream: body, holdOpen: true });
    const ctrl = new AbortController();
    const res = await post(
      "/v1/messages",
      c.key,
      {
        model: "m-anthropic",
        max_tokens: 400,
        stream: true,
        messages: [{ role: "user", content: "a long answer" }],
      },
      ctrl.signal,
    );
    await readUntilThenLeave(res, "the-last-piece", ctrl);
    const row = await rowOf(c.keyId);
    const expected = `search_tool${deltas.map((d) => d.text ?? d.thinking).join("")}the-last-piece`;
    expect(row).toMatchObject({ status: 499, outcome: "client_closed", input_tokens: 9 });
    expect(row.output_tokens).toBe(Math.max(1, countText(expected)));
    expect(row.cost as number).toBeCloseTo(costOf(row), 12);
  });
});
