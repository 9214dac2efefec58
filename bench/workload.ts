/** What every target is asked: the same two request bodies, the same upstream answers. */
import { type Surface, shaped } from "./agent-body.ts";

export const BENCH_MODEL = "bench";
/** Streams of this model stay open after their first event (the open-streams test). */
export const HOLD_MODEL = "bench-hold";
/** Tollgate's model routed to the mock's OpenAI Responses API (`/v1/responses`, bench/ab.ts --surface). */
export const BENCH_RESPONSES_MODEL = "bench-responses";
/** Tollgate's model routed to the mock's Gemini API (`:generateContent`, bench/ab.ts --surface). */
export const BENCH_GEMINI_MODEL = "bench-gemini";
/** Tollgate's model routed to the mock's Anthropic Messages API (`/v1/messages`, bench/ab.ts --surface). */
export const BENCH_MESSAGES_MODEL = "bench-messages";
/**
 * Content events in every streamed answer (plus a finish, a usage and a [DONE] event);
 * `BENCH_STREAM_CHUNKS=1000` for long answers (issue 16: a tap folds every 64 kept chunks).
 */
export const STREAM_CHUNKS = Number(process.env.BENCH_STREAM_CHUNKS ?? 20);
/**
 * `BENCH_STREAM_OBFUSCATION=1`: every content event carries an `obfuscation` field of random
 * padding, as OpenAI sends unless the client turns it off (what the raw-chunk store keeps).
 */
export const STREAM_OBFUSCATION = process.env.BENCH_STREAM_OBFUSCATION === "1";

const messages = [
  { role: "system", content: "You are a terse assistant." },
  { role: "user", content: "Say hello in twenty tokens." },
];

export function requestBody(opts: { stream: boolean; model?: string }): string {
  const model = opts.model ?? BENCH_MODEL;
  return JSON.stringify(
    opts.stream
      ? { model, messages, max_tokens: 64, stream: true, stream_options: { include_usage: true } }
      : { model, messages, max_tokens: 64 },
  );
}

/**
 * The small body in `surface`'s shape: requestBody's for chat, the same two messages as a
 * Responses request (`instructions` + `input`), a Gemini one (`systemInstruction` +
 * `contents`, model and streaming in the URL) or an Anthropic Messages one (`system` +
 * `messages`).
 */
export function surfaceRequestBody(opts: { surface: Surface; stream: boolean; model?: string }): string {
  if (opts.surface === "chat") return requestBody(opts);
  return JSON.stringify(
    shaped(opts.surface, { stream: opts.stream, model: opts.model ?? BENCH_MODEL }, messages, 0),
  );
}

/** True when a streamed body so far carries a non-empty content delta: the first token. */
export const FIRST_TOKEN = /"content":"[^"]/;
