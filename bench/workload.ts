/** What every target is asked: the same two request bodies, the same upstream answers. */

export const BENCH_MODEL = "bench";
/** Streams of this model stay open after their first event (the open-streams test). */
export const HOLD_MODEL = "bench-hold";
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

/** True when a streamed body so far carries a non-empty content delta: the first token. */
export const FIRST_TOKEN = /"content":"[^"]/;
