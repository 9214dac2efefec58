/**
 * Time to first token of a streamed answer, one stream at a time over a keep-alive
 * connection: from sending the request to the first chunk that carries a content delta.
 * Every target gets the same client, so differences between targets are their overhead.
 */
import { percentile } from "./stats.ts";
import type { Target } from "./targets.ts";
import { FIRST_TOKEN, requestBody } from "./workload.ts";

export type TtftResult = { streams: number; errors: number; ms: { p50: number; p99: number } };

/** One stream: ms to the first token, or an error message. */
export async function firstToken(target: Target, body: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(target.url, { method: "POST", headers: target.headers, body });
  if (!res.ok || !res.body) throw new Error(`${target.id}: status ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let text = "";
  let ttft = NaN;
  for await (const chunk of res.body) {
    text += decoder.decode(chunk, { stream: true });
    if (Number.isNaN(ttft) && FIRST_TOKEN.test(text)) ttft = performance.now() - t0;
  }
  if (Number.isNaN(ttft) || !text.includes("[DONE]"))
    throw new Error(`${target.id}: incomplete stream: ${text.slice(0, 300)}`);
  return ttft;
}

export async function ttft(target: Target, streams: number): Promise<TtftResult> {
  const body = requestBody({ stream: true });
  const ms: number[] = [];
  let errors = 0;
  for (let i = 0; i < streams; i++) {
    try {
      ms.push(await firstToken(target, body));
    } catch {
      errors++;
    }
  }
  return { streams, errors, ms: { p50: percentile(ms, 50), p99: percentile(ms, 99) } };
}
