/**
 * Shared by bench/held-heap.ts and bench/held-floor.ts: n streams held open by
 * bench/held-client.ts in another process (its sockets do not count in this heap), and the
 * reading both take before and while they are held.
 */
import { heapStats } from "bun:jsc";
import { join } from "node:path";

/** Resolves once every stream has its first event; `release` makes the clients leave. */
export async function holdStreams(o: { url: string; key: string; n: number; kb?: string }) {
  const client = Bun.spawn(
    [
      process.execPath,
      join(import.meta.dir, "held-client.ts"),
      o.url,
      o.key,
      String(o.n),
      ...(o.kb ? [o.kb] : []),
    ],
    { stdin: "pipe", stdout: "pipe", stderr: "ignore" },
  );
  const out = client.stdout.getReader();
  for (let text = ""; !text.includes("OPEN"); ) text += new TextDecoder().decode((await out.read()).value);
  await Bun.sleep(500);
  return {
    release: async () => {
      client.stdin.end();
      await client.exited;
    },
  };
}

/** The heap and RSS after a full collection. */
export function reading() {
  Bun.gc(true);
  const h = heapStats();
  return {
    heap: h.heapSize,
    counts: h.objectTypeCounts as Record<string, number>,
    rss: process.memoryUsage().rss,
  };
}

/** Growth per stream, in KB. */
export const kbEach = (bytes: number, n: number) => (bytes / n / 1024).toFixed(1);
