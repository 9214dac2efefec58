import { heapStats } from "bun:jsc";
import type { SseEvent } from "../sse/parser.ts";

/**
 * The `i`th chunk of a long OpenAI chat answer as OpenAI writes it (a word each, `"usage":null`
 * as the gateway asks): what a stream tap keeps per chunk (bench/tap-retention.ts, issue 16).
 */
export function openaiWordChunk(i: number): SseEvent {
  return {
    data: `{"id":"chatcmpl-AbCdEf0123456789xyz","object":"chat.completion.chunk","created":1733480000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_abc123","choices":[{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}],"usage":null}`,
  };
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
