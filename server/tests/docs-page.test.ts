import { describe, expect, test } from "bun:test";
import { brotliDecompressSync } from "node:zlib";
import { standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";

let tg: TestGateway;
withGateway(standardConfig, (_m, t) => {
  tg = t;
});

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** Every absolute URL in a text (attributes, inline scripts and styles alike). */
const urls = (text: string) => [...text.matchAll(/https?:\/\/[^\s"'<>)\\]+/g)].map((m) => m[0]);
/** What the page makes the browser load: script sources and stylesheet links. */
const loaded = (html: string) => [
  ...[...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!),
  ...[...html.matchAll(/<link[^>]*\shref="([^"]+)"/g)].map((m) => m[1]!),
];

describe("OpenAPI docs page, air-gapped", () => {
  test("the HTML references no http(s) URL outside loopback and turns off the online validator", async () => {
    const html = await (await fetch(`${tg.url}/docs`)).text();
    const outside = urls(html).filter((u) => !LOOPBACK.has(new URL(u).host.replace(/:\d+$/, "")));
    expect(outside).toEqual([]);
    // Swagger UI's one call of its own: the badge that sends the spec URL to validator.swagger.io.
    expect(html).toContain('"validatorUrl":"none"');
  });

  test("every script and stylesheet the page loads is the gateway's own, with no feature that needs the internet", async () => {
    const html = await (await fetch(`${tg.url}/docs`)).text();
    const assets = loaded(html);
    expect(assets.length).toBeGreaterThan(0);
    for (const path of assets) {
      expect(path.startsWith("/docs/assets/")).toBe(true);
      const res = await fetch(`${tg.url}${path}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text.length).toBeGreaterThan(10_000);
      // Scalar's page offered these; each calls scalar.com.
      for (const needsNetwork of ["Ask AI", "Generate MCP", "scalar.com"])
        expect(text).not.toContain(needsNetwork);
    }
  });

  test("the docs UI files are sent compressed to a client that accepts it", async () => {
    const path = "/docs/assets/swagger-ui-bundle.js";
    const plain = await fetch(`${tg.url}${path}`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const bytes = await plain.arrayBuffer();
    const br = await fetch(`${tg.url}${path}`, { headers: { "accept-encoding": "br" }, decompress: false });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    const compressed = new Uint8Array(await br.arrayBuffer());
    expect(compressed.length).toBeLessThan(bytes.byteLength / 3);
    expect(Buffer.from(brotliDecompressSync(compressed)).equals(Buffer.from(bytes))).toBe(true);
  });
});
