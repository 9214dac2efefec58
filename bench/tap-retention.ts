/**
 * `bun bench/tap-retention.ts [chunks] [--tap=openai|anthropic] [--tree=<source tree>] [--obfuscated]`: what a
 * long stream keeps per chunk it forwarded, and what its tap costs per chunk (issue 16). A
 * tap keeps what it counts the output from when the upstream reports no usage (the OpenAI
 * chat tap every chunk's JSON text, until the fold of every 64 kept chunks into their text);
 * held-heap.ts holds streams after their first event, so it never sees this. 200 taps are fed
 * `chunks` chunks shaped like the upstream's (a word each), and the heap read after a full
 * collection before and after. Then CPU: taps fed the same chunks, 5 rounds, median µs per
 * chunk pushed, and per chunk with the final count's reading (`outputText`) of a stream
 * without usage. `--tree` takes the taps from another source tree (e.g. a worktree of main);
 * `--obfuscated` pads OpenAI's chunks with a random `obfuscation` field of random length, as
 * OpenAI sends unless the client turns it off.
 */
import { resolve } from "node:path";
import { anthropicWordDelta, heapInUse, openaiWordChunk } from "../server/testing/long-stream.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const chunks = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1000);
const tree = resolve(arg("tree") ?? ".");
const kind = arg("tap") ?? "openai";
type Tap = { push(ev: { data: string; event?: string }): unknown; outputText(): string };
const make: () => Tap =
  kind === "anthropic"
    ? (
        (C) => () =>
          new C("claude-x")
      )((await import(`${tree}/server/dialects/anthropic/tap.ts`)).AnthropicTap)
    : (
        (C) => () =>
          new C(false, "gpt-4o")
      )((await import(`${tree}/server/dialects/openai-chat/tap.ts`)).OpenAIChatTap);
const obfuscated = process.argv.includes("--obfuscated");
const chunk = kind === "anthropic" ? anthropicWordDelta : (i: number) => openaiWordChunk(i, obfuscated);
const events = Array.from({ length: chunks }, (_, i) => chunk(i));

const taps = 200;
const held: Tap[] = [];
const before = heapInUse();
for (let t = 0; t < taps; t++) {
  const tap = make();
  // each stream's own chunk texts, as they come off its socket
  for (let i = 0; i < chunks; i++) tap.push(chunk(i));
  held.push(tap);
}
const grown = heapInUse() - before;
console.log(
  `${kind}${obfuscated ? " (obfuscated)" : ""} ${tree}: ${taps} streams of ${chunks} chunks: ${(grown / taps / chunks).toFixed(0)} bytes kept per chunk, ${(grown / taps / 1024).toFixed(0)} KB per stream (${held.length} held)`,
);
held.length = 0;

/** Median µs per chunk of 5 rounds, each `perRound` streams. */
function cpuPerChunk(count: boolean): number {
  const perRound = Math.max(20, Math.ceil(100_000 / chunks));
  const rounds: number[] = [];
  for (let k = 0; k < 6; k++) {
    const cpu = process.cpuUsage();
    for (let t = 0; t < perRound; t++) {
      const tap = make();
      for (const ev of events) tap.push(ev);
      if (count) tap.outputText();
    }
    const used = process.cpuUsage(cpu);
    if (k > 0) rounds.push((used.user + used.system) / perRound / chunks); // the first warms up
  }
  return rounds.sort((a, b) => a - b)[2]!;
}
console.log(
  `CPU per chunk: ${cpuPerChunk(false).toFixed(3)} µs pushed, ${cpuPerChunk(true).toFixed(3)} µs with the count's reading (no usage came)`,
);
