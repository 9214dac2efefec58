/**
 * DeltaChunks (kept-items.ts) against an upstream whose chunks follow no one template: a chunk
 * that fits none is kept whole, so a tap never keeps more than keeping every chunk (the count
 * before issue 16). Each learned template is kept to the end, so learning is bounded per block
 * (LEARNS_PER_BLOCK): without that bound these chunks kept about 348 bytes each against 148.
 */

import { expect, test } from "bun:test";
import { heapInUse } from "../testing/long-stream.ts";
import { DeltaChunks } from "./kept-items.ts";
import { OpenAIChatTap } from "./openai-chat/tap.ts";

const te = new TextEncoder();
const td = new TextDecoder();
/** A flat string, as the SSE parser hands the tap one (decoded bytes, not a concatenation). */
const flat = (s: string) => td.decode(te.encode(s));

let seed = 7;
function word(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    s += "abcdefghijklmnopqrstuvwxyz0123456789"[seed % 36];
  }
  return s;
}

/**
 * A hostile (or odd) upstream: consecutive chunks share, in turn, their opening and their
 * ending, never both with the chunk after. Chunk i opens with A(ceil(i/2)) and ends with
 * B(floor(i/2)), so every chunk misses the template learned from the two before it and a new
 * one is learned from it: each template is three slices of that chunk, which keep the whole
 * chunk alive, and the chunk's parts are copied on top.
 */
function alternatingChunks(n: number, textChars: number): string[] {
  const A: string[] = [];
  const B: string[] = [];
  const a = (j: number) => (A[j] ??= `{"id":"${word(10)}",`);
  const b = (j: number) => (B[j] ??= `,"x":"${word(10)}"}`);
  return Array.from({ length: n }, (_, i) =>
    flat(
      `${a(Math.ceil(i / 2))}"choices":[{"index":0,"delta":{"content":"${word(textChars)}"}}]${b(Math.floor(i / 2))}`,
    ),
  );
}

/** Heap bytes per chunk kept by `streams` keepers, each fed `chunks(s)`. */
function perChunk(streams: number, n: number, keep: (chunks: string[]) => unknown): number {
  const held: unknown[] = [];
  const before = heapInUse();
  for (let s = 0; s < streams; s++) held.push(keep(alternatingChunks(n, 40)));
  const bytes = (heapInUse() - before) / streams / n;
  expect(held.length).toBe(streams);
  return bytes;
}

test("DeltaChunks keeps no more than keeping every chunk when every chunk learns a template", () => {
  const all = perChunk(50, 2000, (chunks) => chunks);
  const store = perChunk(50, 2000, (chunks) => {
    const k = new DeltaChunks();
    for (const d of chunks) k.push(d);
    return k;
  });
  // Measured: 132 against 147 bytes a chunk (chunks of about 100 characters); 348 before the
  // bound, when each chunk added a template (most of the chunk) kept to the end.
  expect(store).toBeLessThanOrEqual(all * 1.1);
});

test("the OpenAI chat tap fed those chunks keeps no more than the tap before issue 16 (every chunk)", () => {
  const all = perChunk(50, 2000, (chunks) => chunks);
  const tap = perChunk(50, 2000, (chunks) => {
    const t = new OpenAIChatTap(false, "pub");
    for (const data of chunks) t.push({ data });
    return t;
  });
  expect(tap).toBeLessThanOrEqual(all * 1.1);
});
