/**
 * `bun bench/tap-delta-store.ts [chunks] [--obfuscated]`: the store a long OpenAI chat or
 * Anthropic stream keeps its raw chunks in (`DeltaChunks`, server/dialects/kept-items.ts,
 * issue 16) against keeping every chunk in an array, alone, without the rest of the tap: bytes
 * kept per chunk (200 stores, heap after a full collection) and µs per chunk pushed (median of
 * 5 rounds), then µs per chunk to rebuild them all (what a stream without usage pays once, at
 * its count). `--obfuscated` pads each chunk with a random `obfuscation` field as OpenAI does.
 * The whole tap is measured by tap-retention.ts.
 */
import { DeltaChunks } from "../server/dialects/kept-items.ts";
import { heapInUse, openaiWordChunk } from "../server/testing/long-stream.ts";

const chunks = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1000);
const obfuscated = process.argv.includes("--obfuscated");
/** A chunk as the tap keeps it: its own string, the model renamed (a copy, as in the tap). */
const chunk = (i: number) => openaiWordChunk(i, obfuscated).data.replace("gpt-4o-2024-08-06", "gpt-4o");
type Store = { push(d: string): void; chunks(): string[] };
/** Keeping every chunk as it came, as the taps did before issue 16. */
class Every implements Store {
  private readonly all: string[] = [];
  push(d: string): void {
    this.all.push(d);
  }
  chunks(): string[] {
    return this.all;
  }
}

const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
for (const kind of ["delta", "every chunk"] as const) {
  const make = (): Store => (kind === "delta" ? new DeltaChunks() : new Every());
  const held: Store[] = [];
  const before = heapInUse();
  for (let t = 0; t < 200; t++) {
    const s = make();
    for (let i = 0; i < chunks; i++) s.push(chunk(i));
    held.push(s);
  }
  const bytes = (heapInUse() - before) / held.length / chunks;
  if (held.some((s) => s.chunks().some((d, i) => d !== chunk(i)))) throw new Error("not exact");
  held.length = 0;
  const events = Array.from({ length: chunks }, (_, i) => chunk(i));
  const push: number[] = [];
  const rebuild: number[] = [];
  for (let k = 0; k < 6; k++) {
    const stores: Store[] = [];
    let cpu = process.cpuUsage();
    for (let t = 0; t < 100; t++) {
      const s = make();
      for (const e of events) s.push(e);
      stores.push(s);
    }
    let used = process.cpuUsage(cpu);
    if (k > 0) push.push((used.user + used.system) / 100 / chunks); // the first warms up
    cpu = process.cpuUsage();
    for (const s of stores) s.chunks();
    used = process.cpuUsage(cpu);
    if (k > 0) rebuild.push((used.user + used.system) / 100 / chunks);
  }
  console.log(
    `${kind}${obfuscated ? " (obfuscated)" : ""}: ${bytes.toFixed(0)} bytes kept per chunk, ${median(push).toFixed(3)} µs per chunk pushed, ${median(rebuild).toFixed(3)} µs per chunk rebuilt (medians of 5)`,
  );
}
