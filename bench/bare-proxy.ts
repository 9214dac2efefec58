/**
 * The practical limit: a pass-through proxy in plain Bun.serve + fetch, doing nothing a
 * gateway must do (no auth, no billing, no logging). Run as `bun bench/bare-proxy.ts` with
 * UPSTREAM=http://127.0.0.1:<port>; prints `READY <port>`.
 */
const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error("UPSTREAM is required");

const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(req) {
    const url = req.url;
    const path = url.slice(url.indexOf("/", 8));
    if (req.method !== "POST") return new Response("ok");
    const res = await fetch(upstream + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: req.headers.get("authorization") ?? "",
      },
      body: await req.arrayBuffer(),
      signal: req.signal,
    });
    // The body streams through as it arrives (SSE included).
    return new Response(res.body, {
      status: res.status,
      headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
    });
  },
});

console.log(`READY ${server.port}`);
