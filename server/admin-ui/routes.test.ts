import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Elysia } from "elysia";
import { renderError } from "../app.ts";
import { type AssetSource, directorySource, mapSource } from "./asset-source.ts";
import { adminUi } from "./routes.ts";

const INDEX = "<!doctype html><div id=root></div>";
const app = (source: AssetSource) =>
  new Elysia()
    .onError({ as: "global" }, ({ error, code, request, path }) =>
      renderError({ error, code, request, path }),
    )
    .use(adminUi(source));
const get = (a: ReturnType<typeof app>, path: string) => a.handle(new Request(`http://localhost${path}`));

describe("admin panel static serving", () => {
  const files = mapSource({
    "index.html": new Blob([INDEX]),
    "assets/index-abc123.js": new Blob(["console.log(1)"]),
    "favicon.svg": new Blob(["<svg/>"]),
  });

  test("/admin and /admin/ both serve index.html, never a redirect, revalidated every time", async () => {
    for (const path of ["/admin", "/admin/"]) {
      const res = await get(app(files), path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toBe(INDEX);
    }
  });

  test("the panel is served with a Content-Security-Policy: own scripts only, no framing", async () => {
    const csp = (await get(app(files), "/admin/")).headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  test("client-side routes fall back to index.html", async () => {
    const res = await get(app(files), "/admin/keys/key_123");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX);
  });

  test("hashed assets are immutable; other files revalidate; missing files are 404", async () => {
    const js = await get(app(files), "/admin/assets/index-abc123.js");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("content-type")).toContain("text/javascript");
    const svg = await get(app(files), "/admin/favicon.svg");
    expect(svg.headers.get("cache-control")).toBe("no-cache");
    expect((await get(app(files), "/admin/assets/gone-999.js")).status).toBe(404);
  });

  test("assets are sent compressed when the browser accepts it, with their cache and security headers", async () => {
    const bundle = `export const page = "keys";\n`.repeat(200);
    const big = mapSource({ "index.html": new Blob([INDEX]), "assets/keys-abc123.js": new Blob([bundle]) });
    const a = app(big);
    const br = await a.handle(
      new Request("http://localhost/admin/assets/keys-abc123.js", {
        headers: { "accept-encoding": "gzip, br" },
      }),
    );
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(br.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(brotliDecompressSync(new Uint8Array(await br.arrayBuffer())).toString()).toBe(bundle);
    const gz = await a.handle(
      new Request("http://localhost/admin/assets/keys-abc123.js", { headers: { "accept-encoding": "gzip" } }),
    );
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString()).toBe(bundle);
    const plain = await get(a, "/admin/assets/keys-abc123.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(bundle);
  });

  test("unknown /admin/api paths stay JSON 404s", async () => {
    const res = await get(app(files), "/admin/api/nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("unknown_url");
  });

  test("a directory source serves its files and refuses to leave the folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-ui-"));
    mkdirSync(join(dir, "dist", "assets"), { recursive: true });
    writeFileSync(join(dir, "dist", "index.html"), INDEX);
    writeFileSync(join(dir, "secret.txt"), "nope");
    const src = directorySource(join(dir, "dist"));
    expect(src.get("../secret.txt")).toBeNull();
    expect(await src.get("index.html")?.text()).toBe(INDEX);
    const res = await get(app(src), "/admin/..%2Fsecret.txt");
    expect(await res.text()).not.toContain("nope");
  });

  test("without a build the panel answers 503 saying how to build it", async () => {
    const res = await get(app(mapSource({})), "/admin");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build:admin");
  });
});
