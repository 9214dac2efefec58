/**
 * `BUN_CONFIG_MAX_HTTP_REQUESTS=65535 bun bench/held-floor.ts <mode> [n] [--garbage=N] [--kb=32]`:
 * the floor under bench/held-heap.ts (issue 16). The same clients (bench/held-client.ts) and
 * mock hold n streams open through a plain Bun.serve proxy in this process, which differs
 * only in how it forwards the upstream body:
 * - `bare`: `new Response(upstream.body)`, piped natively (bench/bare-proxy.ts);
 * - `bare-buffer`: the same, each stream also holding a 256 KB Uint8Array with one byte
 *   written (what Bun's reader allocates per body, without the reading);
 * - `js-read`: the upstream body read by a reader and enqueued into the client's
 *   ReadableStream by a one-class source, as any proxy that looks at the bytes must.
 * `--garbage=N` makes N short-lived objects per request (a gateway's per-request garbage),
 * `--kb` has the clients send an agent-shaped body of that size. Prints RSS and heap growth
 * per stream after a full collection, as held-heap.ts does.
 */
import { join } from "node:path";
import { holdStreams, kbEach, reading } from "./hold.ts";
import { freePort } from "./services.ts";
import { BENCH_MODEL, requestBody } from "./workload.ts";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const [mode = "bare", count = "1000"] = args.filter((a) => !a.startsWith("--"));
const n = Number(count);
const garbage = Number(flag("garbage") ?? 0);
const bodyKb = flag("kb");
if (!["bare", "bare-buffer", "js-read"].includes(mode)) throw new Error(`unknown mode ${mode}`);

const mockPort = freePort();
const mock = Bun.spawn([process.execPath, join(import.meta.dir, "mock-upstream.ts")], {
  env: { ...process.env, PORT: String(mockPort) },
  stdout: "ignore",
});
await Bun.sleep(700);
const upstream = `http://127.0.0.1:${mockPort}`;

/** The client's stream, reading the upstream's: one object, no closures. */
class Forward implements UnderlyingDefaultSource<Uint8Array> {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }
  async pull(controller: ReadableStreamDefaultController<Uint8Array>) {
    const next = await this.reader.read();
    if (next.done) controller.close();
    else controller.enqueue(next.value);
  }
  cancel() {
    return this.reader.cancel();
  }
}

const buffers: Uint8Array[] = [];
// Written so the garbage each request makes is not optimised away.
const kept = { objects: 0 };
const server = Bun.serve({
  port: freePort(),
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(req) {
    const url = req.url;
    const body = await req.arrayBuffer();
    const made: { i: number; s: string }[] = [];
    for (let i = 0; i < garbage; i++) made.push({ i, s: `x${i}` });
    kept.objects += made.length;
    const res = await fetch(upstream + url.slice(url.indexOf("/", 8)), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: req.headers.get("authorization") ?? "" },
      body,
      signal: req.signal,
    });
    const headers = { "content-type": "text/event-stream" };
    if (mode === "js-read") return new Response(new ReadableStream(new Forward(res.body!)), { headers });
    if (mode === "bare-buffer") {
      const buffer = new Uint8Array(256 * 1024);
      buffer[0] = 1;
      buffers.push(buffer);
    }
    return new Response(res.body, { headers });
  },
});

const url = `http://127.0.0.1:${server.port}/v1/chat/completions`;
for (let i = 0; i < 50; i++)
  await (
    await fetch(url, { method: "POST", body: requestBody({ stream: true, model: BENCH_MODEL }) })
  ).text();
const before = reading();
const streams = await holdStreams({ url, key: "no-key", n, kb: bodyKb });
const held = reading();
console.log(
  `${mode}${garbage ? ` garbage=${garbage}` : ""}${bodyKb ? ` kb=${bodyKb}` : ""}: ${n} held streams, RSS +${kbEach(held.rss - before.rss, n)} KB each, heap +${kbEach(held.heap - before.heap, n)} KB each`,
);
// The clients leaving abort the upstream requests; what that prints is not the measurement.
console.error = () => {};
await streams.release();
await server.stop(true);
mock.kill();
process.exit(0);
