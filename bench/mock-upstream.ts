/**
 * The benchmark's upstream: a fast OpenAI-compatible (and Gemini, and Anthropic Messages API) mock in its own
 * process, with every answer prebuilt so its own cost stays flat. Run as `bun bench/mock-upstream.ts`; it prints
 * `READY <port>` once listening on 127.0.0.1 (PORT, default 0 = any free port).
 *
 * - `POST /v1/chat/completions` without `"stream":true`: one fixed JSON answer with usage.
 * - with `"stream":true`: STREAM_CHUNKS content events (padded with `obfuscation` under
 *   BENCH_STREAM_OBFUSCATION=1), a finish event, a usage event and `data: [DONE]`, each
 *   written as its own chunk, with no delay.
 * - model `bench-hold` (streamed): sends the first content event, then holds the stream
 *   open until the client leaves (or HOLD_MAX_MS pass): the open-streams test.
 * - `POST .../responses` (the OpenAI Responses API): one fixed JSON response, or with
 *   `"stream":true` its event sequence (created, in_progress, output item and content part
 *   added, STREAM_CHUNKS `response.output_text.delta`, the done events, `response.completed`
 *   carrying usage), as server/testing/mock-openai-responses.ts speaks it.
 * - `POST .../models/<model>:generateContent` (the Gemini API): one fixed JSON answer;
 *   `:streamGenerateContent` (asked with `?alt=sse`): STREAM_CHUNKS SSE chunks of one text
 *   part each, the last with finishReason STOP and the full usageMetadata, as
 *   server/testing/mock-gemini.ts speaks it.
 * - `POST .../messages` (the Anthropic Messages API): one fixed JSON message, or with
 *   `"stream":true` its event sequence (message_start with the input usage,
 *   content_block_start, ping, STREAM_CHUNKS `content_block_delta` text deltas,
 *   content_block_stop, message_delta with stop_reason and output usage, message_stop), as
 *   server/testing/mock-anthropic.ts speaks it.
 * The request is recognised by substring, not parsed: every client here sends compact JSON.
 * Like a real upstream (asked for `gpt-4o`, answering `gpt-4o-2024-08-06`), answers name a
 * dated id, not the one asked for: Tollgate renames it in every chunk (docs/model-identity.md).
 */
import { obfuscation } from "../server/testing/long-stream.ts";
import {
  BENCH_GEMINI_MODEL,
  BENCH_MESSAGES_MODEL,
  BENCH_MODEL,
  BENCH_RESPONSES_MODEL,
  HOLD_MODEL,
  STREAM_CHUNKS,
  STREAM_OBFUSCATION,
} from "./workload.ts";

const HOLD_MAX_MS = 120_000;
const enc = new TextEncoder();
const usage = { prompt_tokens: 12, completion_tokens: STREAM_CHUNKS, total_tokens: 12 + STREAM_CHUNKS };
const created = 1_700_000_000;
/** The upstream's own name for a model, as its answers spell it. */
const dated = (model: string) => `${model}-2024-08-06`;
const words = Array.from({ length: STREAM_CHUNKS }, (_, i) => `tok${i} `);

const jsonBody = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created,
  model: dated(BENCH_MODEL),
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: words.join("") },
      finish_reason: "stop",
      logprobs: null,
    },
  ],
  usage,
  system_fingerprint: "fp_bench",
});

const event = (model: string, choices: unknown[], extra: Record<string, unknown> = {}) =>
  enc.encode(
    `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: dated(model), choices, ...extra })}\n\n`,
  );

function streamEvents(model: string): Uint8Array[] {
  const out = words.map((w, i) =>
    event(
      model,
      [{ index: 0, delta: i === 0 ? { role: "assistant", content: w } : { content: w } }],
      STREAM_OBFUSCATION ? { obfuscation: obfuscation(i) } : {},
    ),
  );
  out.push(event(model, [{ index: 0, delta: {}, finish_reason: "stop" }]));
  out.push(event(model, [], { usage }));
  out.push(enc.encode("data: [DONE]\n\n"));
  return out;
}

/** The OpenAI Responses API: the response object, in progress (no output yet) or completed. */
const responsesText = {
  type: "message",
  id: "msg_bench",
  status: "completed",
  role: "assistant",
  content: [{ type: "output_text", text: words.join(""), annotations: [] }],
};
const responsesObject = (status: string, output: unknown[]) => ({
  id: "resp_bench",
  object: "response",
  created_at: created,
  status,
  model: dated(BENCH_RESPONSES_MODEL),
  output,
  usage:
    status === "completed"
      ? {
          input_tokens: usage.prompt_tokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: usage.completion_tokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: usage.total_tokens,
        }
      : null,
});
const responsesJson = JSON.stringify(responsesObject("completed", [responsesText]));

function responsesEvents(): Uint8Array[] {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) =>
    enc.encode(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  const at = { item_id: responsesText.id, output_index: 0, content_index: 0 };
  const emptyPart = { type: "output_text", text: "", annotations: [] };
  return [
    ev("response.created", { response: responsesObject("in_progress", []) }),
    ev("response.in_progress", { response: responsesObject("in_progress", []) }),
    ev("response.output_item.added", {
      output_index: 0,
      item: { ...responsesText, status: "in_progress", content: [] },
    }),
    ev("response.content_part.added", { ...at, part: emptyPart }),
    ...words.map((delta) => ev("response.output_text.delta", { ...at, delta, logprobs: [] })),
    ev("response.output_text.done", { ...at, text: words.join(""), logprobs: [] }),
    ev("response.content_part.done", { ...at, part: responsesText.content[0] }),
    ev("response.output_item.done", { output_index: 0, item: responsesText }),
    ev("response.completed", { response: responsesObject("completed", [responsesText]) }),
  ];
}

/** The Gemini API: usageMetadata in full on the last chunk, the prompt's alone on the others. */
const geminiUsage = {
  promptTokenCount: usage.prompt_tokens,
  candidatesTokenCount: usage.completion_tokens,
  totalTokenCount: usage.total_tokens,
};
const geminiBase = { modelVersion: dated(BENCH_GEMINI_MODEL), responseId: "bench-resp" };
const geminiJson = JSON.stringify({
  candidates: [
    { content: { role: "model", parts: [{ text: words.join("") }] }, finishReason: "STOP", index: 0 },
  ],
  usageMetadata: geminiUsage,
  ...geminiBase,
});

function geminiEvents(): Uint8Array[] {
  return words.map((text, i) => {
    const last = i === words.length - 1;
    const chunk = {
      candidates: [
        {
          content: { role: "model", parts: [{ text }] },
          index: 0,
          ...(last ? { finishReason: "STOP" } : {}),
        },
      ],
      usageMetadata: last
        ? geminiUsage
        : { promptTokenCount: usage.prompt_tokens, totalTokenCount: usage.prompt_tokens },
      ...geminiBase,
    };
    return enc.encode(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  });
}

/** The Anthropic Messages API: input usage in message_start, output usage in message_delta. */
const messagesUsage = (output: number) => ({
  input_tokens: usage.prompt_tokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: output,
});
const messagesObject = (content: unknown[], stop: string | null, output: number) => ({
  id: "msg_bench",
  type: "message",
  role: "assistant",
  model: dated(BENCH_MESSAGES_MODEL),
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage: messagesUsage(output),
});
const messagesJson = JSON.stringify(
  messagesObject([{ type: "text", text: words.join("") }], "end_turn", usage.completion_tokens),
);

function messagesEvents(): Uint8Array[] {
  const ev = (type: string, data: Record<string, unknown>) =>
    enc.encode(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  return [
    ev("message_start", { message: messagesObject([], null, 1) }),
    ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ev("ping", {}),
    ...words.map((text) => ev("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
    ev("content_block_stop", { index: 0 }),
    ev("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: usage.completion_tokens },
    }),
    ev("message_stop", {}),
  ];
}

const benchEvents = streamEvents(BENCH_MODEL);
const benchResponsesEvents = responsesEvents();
const benchGeminiEvents = geminiEvents();
const benchMessagesEvents = messagesEvents();
const holdEvents = streamEvents(HOLD_MODEL);
const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const jsonHeaders = { "content-type": "application/json" };

function stream(events: Uint8Array[]): Response {
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const e = events[i++];
        if (e) controller.enqueue(e);
        else controller.close();
      },
    }),
    { headers: sseHeaders },
  );
}

/** First event now, the rest after the client left or HOLD_MAX_MS. */
function held(signal: AbortSignal): Response {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(holdEvents[0]!);
        const finish = () => {
          try {
            for (const e of holdEvents.slice(1)) controller.enqueue(e);
            controller.close();
          } catch {
            // the client is gone already
          }
        };
        timer = setTimeout(finish, HOLD_MAX_MS);
        signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
      },
      cancel() {
        clearTimeout(timer);
      },
    }),
    { headers: sseHeaders },
  );
}

const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(req) {
    if (req.method !== "POST") return new Response("ok");
    const url = req.url;
    if (url.includes(":streamGenerateContent")) {
      await req.arrayBuffer();
      return stream(benchGeminiEvents);
    }
    if (url.includes(":generateContent")) {
      await req.arrayBuffer();
      return new Response(geminiJson, { headers: jsonHeaders });
    }
    if (url.endsWith("/responses")) {
      const body = await req.text();
      if (!body.includes('"stream":true')) return new Response(responsesJson, { headers: jsonHeaders });
      return stream(benchResponsesEvents);
    }
    if (url.endsWith("/messages")) {
      const body = await req.text();
      if (!body.includes('"stream":true')) return new Response(messagesJson, { headers: jsonHeaders });
      return stream(benchMessagesEvents);
    }
    if (!url.endsWith("/chat/completions")) return new Response("not found", { status: 404 });
    const body = await req.text();
    if (!body.includes('"stream":true')) return new Response(jsonBody, { headers: jsonHeaders });
    if (body.includes(`"model":"${HOLD_MODEL}"`)) return held(req.signal);
    return stream(benchEvents);
  },
});

console.log(`READY ${server.port}`);
