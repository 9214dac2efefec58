import { heapStats } from "bun:jsc";
import type { SseEvent } from "../sse/parser.ts";

/**
 * The `i`th chunk of a long OpenAI chat answer as OpenAI writes it (a word each, the first
 * naming the role, `"usage":null` as the gateway asks; with `obfuscated`, padded as OpenAI does): what a stream tap keeps per chunk (bench/tap-retention.ts, issue 16).
 */
export function openaiWordChunk(i: number, obfuscated = false): SseEvent {
  const pad = obfuscated ? `,"obfuscation":"${obfuscation(i)}"` : "";
  return {
    data: `{"id":"chatcmpl-AbCdEf0123456789xyz","object":"chat.completion.chunk","created":1733480000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_abc123","choices":[{"index":0,"delta":{${i === 0 ? '"role":"assistant",' : ""}"content":" word${i}"},"logprobs":null,"finish_reason":null}],"usage":null${pad}}`,
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * OpenAI's `obfuscation` field (stream_options.include_obfuscation, on unless a client turns it
 * off): random characters of a random length, different in every chunk. Made up here from `i`.
 */
export function obfuscation(i: number): string {
  let x = (i + 1) * 2654435761;
  let out = "";
  const length = 1 + (x % 15);
  for (let k = 0; k < length; k++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += ALNUM[x % ALNUM.length];
  }
  return out;
}

/** The `i`th content_block_delta of a long Anthropic answer, as Anthropic writes it. */
export function anthropicWordDelta(i: number): SseEvent {
  return {
    event: "content_block_delta",
    data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word${i}"}}`,
  };
}

/** Heap bytes in use after a full collection. */
export function heapInUse(): number {
  Bun.gc(true);
  return heapStats().heapSize;
}
