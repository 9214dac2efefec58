/**
 * Many concurrent open streams: N raw HTTP/1.1 connections each ask for a `bench-hold`
 * stream (the mock sends one content event, then holds). Once every stream has its first
 * token, the target's memory is read; then every client leaves at once and memory is read
 * again. Raw sockets, because a fetch client would queue above its own connection limit.
 */
import type { Socket } from "bun";
import { memory } from "./proc-stats.ts";
import type { Target } from "./targets.ts";
import { FIRST_TOKEN, HOLD_MODEL, requestBody } from "./workload.ts";

export type OpenStreamsResult = {
  requested: number;
  /** Streams that delivered their first token while all were open. */
  open: number;
  rssBeforeMb: number;
  rssOpenMb: number;
  rssAfterCloseMb: number;
  /** (rssOpen - rssBefore) / open, in KB. */
  kbPerStream: number;
  secondsToOpenAll: number;
  /** When the clients left (epoch ms), and RSS read a minute or so later (bench/steps.ts lateRss). */
  closedAt: number;
  rssLateMb: number | null;
};

export async function openStreams(
  target: Target,
  o: { count: number; timeoutMs: number; settleMs: [number, number] },
): Promise<OpenStreamsResult> {
  const { count, timeoutMs } = o;
  const url = new URL(target.url);
  const body = requestBody({ stream: true, model: HOLD_MODEL });
  const head = [
    `POST ${url.pathname} HTTP/1.1`,
    `Host: ${url.host}`,
    ...Object.entries(target.headers).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    "",
  ].join("\r\n");
  const request = head + body;

  const before = memory(target.pid).rssMb;
  const sockets: Socket<{ text: string; got: boolean }>[] = [];
  let open = 0;
  const t0 = performance.now();
  const decoder = new TextDecoder();
  // Connect in batches so the listen backlog is never the limit being measured.
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, () =>
      Bun.connect<{ text: string; got: boolean }>({
        hostname: url.hostname,
        port: Number(url.port),
        data: { text: "", got: false },
        socket: {
          open(s) {
            s.write(request);
          },
          data(s, chunk) {
            if (s.data.got) return;
            s.data.text += decoder.decode(chunk);
            if (FIRST_TOKEN.test(s.data.text)) {
              s.data.got = true;
              s.data.text = "";
              open++;
            }
          },
          error() {},
        },
      }).catch(() => null),
    );
    for (const s of await Promise.all(batch)) if (s) sockets.push(s);
  }
  const deadline = t0 + timeoutMs;
  while (open < count && performance.now() < deadline) await Bun.sleep(20);
  const secondsToOpenAll = (performance.now() - t0) / 1000;
  await Bun.sleep(o.settleMs[0]);
  const during = memory(target.pid).rssMb;
  const held = open;
  for (const s of sockets) s.terminate();
  const closedAt = Date.now();
  await Bun.sleep(o.settleMs[1]);
  const after = memory(target.pid).rssMb;
  return {
    requested: count,
    open: held,
    rssBeforeMb: before,
    rssOpenMb: during,
    rssAfterCloseMb: after,
    kbPerStream: held ? ((during - before) * 1024) / held : NaN,
    secondsToOpenAll,
    closedAt,
    rssLateMb: null,
  };
}
