/**
 * `bun bench/tap-delta-store.ts [chunks]`: a prototype, not used by the gateway (issue 16).
 * Another exact way to bound what a long OpenAI chat stream keeps: each chunk's JSON text
 * stored as the part where it differs from a template (the opening and ending it shares with
 * the chunk before, cut at a quote; learned again when a chunk does not match), the parts of
 * every 64 chunks joined into one string (a copy, so the chunks themselves are freed). The
 * count would rebuild every chunk's exact text and read it as today, so no parse is spent
 * while the stream runs. Measures bytes kept and µs per chunk against keeping every chunk;
 * the fold the taps use is measured by tap-retention.ts.
 */
import { heapInUse, openaiWordChunk } from "../server/testing/long-stream.ts";

class DeltaStore {
  private head = "";
  private tail = "";
  private prev: string | null = null;
  private parts: string[] = [];
  /** Per chunk: which template it was stored against (rebuilding needs it). */
  private readonly template: number[] = [];
  private readonly templates: string[] = [];
  private readonly joined: string[] = [];

  push(d: string): void {
    const matches =
      this.templates.length > 0 &&
      d.length >= this.head.length + this.tail.length &&
      d.startsWith(this.head) &&
      d.endsWith(this.tail);
    if (!matches && this.prev !== null) this.learn(this.prev, d);
    this.prev = d;
    this.parts.push(d.slice(this.head.length, d.length - this.tail.length));
    this.template.push(this.templates.length);
    if (this.parts.length < 64) return;
    this.joined.push(this.parts.join(""));
    this.parts = [];
  }

  /** The opening and ending `d` shares with `p`, cut back to a quote (where a JSON value starts or ends). */
  private learn(p: string, d: string): void {
    const max = Math.min(p.length, d.length);
    let a = 0;
    while (a < max && p.charCodeAt(a) === d.charCodeAt(a)) a++;
    a = d.lastIndexOf('"', a - 1) + 1;
    let b = 0;
    while (b < max - a && p.charCodeAt(p.length - 1 - b) === d.charCodeAt(d.length - 1 - b)) b++;
    const tailAt = d.indexOf('"', d.length - b);
    this.head = d.slice(0, a);
    this.tail = tailAt === -1 ? "" : d.slice(tailAt);
    this.templates.push(this.head, this.tail);
  }
}

const chunks = Number(process.argv[2] ?? 1000);
/** A chunk as the tap keeps it: its own string, the model renamed (a copy, as in the tap). */
const chunk = (i: number) => openaiWordChunk(i).data.replace("gpt-4o-2024-08-06", "gpt-4o");
for (const kind of ["delta", "every chunk"] as const) {
  const make = () => (kind === "delta" ? new DeltaStore() : ([] as string[]));
  const held: unknown[] = [];
  const before = heapInUse();
  for (let t = 0; t < 200; t++) {
    const s = make();
    for (let i = 0; i < chunks; i++) s.push(chunk(i));
    held.push(s);
  }
  const bytes = (heapInUse() - before) / held.length / chunks;
  const events = Array.from({ length: chunks }, (_, i) => chunk(i));
  const rounds: number[] = [];
  for (let k = 0; k < 6; k++) {
    const cpu = process.cpuUsage();
    for (let t = 0; t < 100; t++) {
      const s = make();
      for (const e of events) s.push(e);
    }
    const used = process.cpuUsage(cpu);
    if (k > 0) rounds.push((used.user + used.system) / 100 / chunks);
  }
  rounds.sort((x, y) => x - y);
  console.log(
    `${kind}: ${bytes.toFixed(0)} bytes kept per chunk, ${rounds[2]!.toFixed(3)} µs per chunk (median of 5)`,
  );
}
