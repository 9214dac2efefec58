/**
 * The client side of bench/held-heap.ts, in its own process so its sockets do not count in
 * the gateway's heap: `bun bench/held-client.ts <url> <key> <n> [kb]` opens n raw HTTP/1.1
 * connections, each asking for a `bench-hold` stream (the small body, or an agent-shaped one of kb KB), prints `OPEN <n>` once every one has
 * its first event, and closes them all when its stdin closes.
 */
import type { Socket } from "bun";
import { agentBody, type BodyKb } from "./agent-body.ts";
import { HOLD_MODEL, requestBody } from "./workload.ts";

const [url, key, count, kb] = process.argv.slice(2);
if (!url || !key || !count) throw new Error("usage: bun bench/held-client.ts <url> <key> <n> [kb]");
const u = new URL(url);
const body = kb
  ? agentBody({ kb: Number(kb) as BodyKb, stream: true, model: HOLD_MODEL })
  : requestBody({ stream: true, model: HOLD_MODEL });
const request = [
  `POST ${u.pathname} HTTP/1.1`,
  `Host: ${u.host}`,
  "content-type: application/json",
  `authorization: Bearer ${key}`,
  `Content-Length: ${Buffer.byteLength(body)}`,
  "",
  body,
].join("\r\n");
const n = Number(count);
const seen = new Set<Socket>();
const sockets: Socket[] = [];
for (let i = 0; i < n; i++)
  sockets.push(
    await Bun.connect({
      hostname: u.hostname,
      port: Number(u.port),
      socket: {
        open: (s) => void s.write(request),
        data: (s, d) => {
          if (d.includes("data:")) seen.add(s);
        },
        error: () => {},
        close: () => {},
      },
    }),
  );
while (seen.size < n) await Bun.sleep(50);
console.log(`OPEN ${seen.size}`);
for await (const _ of console) break;
for (const s of sockets) s.end();
