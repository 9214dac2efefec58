/**
 * `bun bench/tap-retention.ts [chunks]`: what a long stream keeps per chunk it forwarded
 * (issue 16). The OpenAI chat tap keeps every chunk's JSON text until the stream ends, to
 * count the output with the tokenizer if the upstream reports no usage; held-heap.ts holds
 * streams after their first event, so it never sees this. 200 taps are fed `chunks` chunks
 * shaped like OpenAI's (a few words each, `"usage":null` as asked), and the heap read after a
 * full collection before and after.
 */
import { heapStats } from "bun:jsc";
import { OpenAIChatTap } from "../server/dialects/openai-chat/tap.ts";

const chunks = Number(process.argv[2] ?? 1000);
const taps = 200;
const event = (i: number) => ({
  data: `{"id":"chatcmpl-AbCdEf0123456789xyz","object":"chat.completion.chunk","created":1733480000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_abc123","choices":[{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}],"usage":null}`,
});
const heap = () => {
  Bun.gc(true);
  return heapStats().heapSize;
};
const held: OpenAIChatTap[] = [];
const before = heap();
for (let t = 0; t < taps; t++) {
  const tap = new OpenAIChatTap(false, "gpt-4o");
  for (let i = 0; i < chunks; i++) tap.push(event(i));
  held.push(tap);
}
const grown = heap() - before;
console.log(
  `${taps} streams of ${chunks} chunks: ${(grown / taps / chunks).toFixed(0)} bytes kept per chunk, ${(grown / taps / 1024).toFixed(0)} KB per stream (${held.length} held)`,
);
