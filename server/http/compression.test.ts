import { describe, expect, test } from "bun:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { CompressedFiles, pickEncoding } from "./compression.ts";

describe("Accept-Encoding negotiation", () => {
  test("brotli over gzip, q=0 refuses, * stands for the rest, nothing means identity", () => {
    expect(pickEncoding(null)).toBeNull();
    expect(pickEncoding("")).toBeNull();
    expect(pickEncoding("identity")).toBeNull();
    expect(pickEncoding("gzip, deflate, br")).toBe("br");
    expect(pickEncoding("gzip")).toBe("gzip");
    expect(pickEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(pickEncoding("BR ; q=0.1")).toBe("br");
    expect(pickEncoding("*")).toBe("br");
    expect(pickEncoding("*;q=0")).toBeNull();
    expect(pickEncoding("gzip;q=0, *")).toBe("br");
    expect(pickEncoding("br;q=0, *;q=1")).toBe("gzip");
    expect(pickEncoding("br;q=nonsense, gzip")).toBe("gzip");
  });
});

describe("compressed static files", () => {
  const text = "const panel = 'tollgate';\n".repeat(400);
  const blob = new Blob([text]);
  const js = { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" };
  const req = (enc?: string) =>
    new Request("http://x/a.js", enc ? { headers: { "accept-encoding": enc } } : {});

  test("brotli and gzip bodies decode to the file, keep the other headers and say Vary", async () => {
    const files = new CompressedFiles();
    const br = await files.respond(req("gzip, br"), "a.js", blob, js);
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(br.headers.get("cache-control")).toBe("no-cache");
    const brBytes = new Uint8Array(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(text.length / 10);
    expect(brotliDecompressSync(brBytes).toString()).toBe(text);
    const gz = await files.respond(req("gzip"), "a.js", blob, js);
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString()).toBe(text);
  });

  test("no Accept-Encoding: the file as it is, still with Vary", async () => {
    const res = await new CompressedFiles().respond(req(), "a.js", blob, js);
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(await res.text()).toBe(text);
  });

  test("small files and binary types are never compressed", async () => {
    const files = new CompressedFiles();
    const small = await files.respond(req("br"), "s.js", new Blob(["x"]), js);
    expect(small.headers.get("content-encoding")).toBeNull();
    const png = await files.respond(req("br"), "i.png", blob, { "content-type": "image/png" });
    expect(png.headers.get("content-encoding")).toBeNull();
    expect(png.headers.get("vary")).toBeNull();
  });

  test("a changed file under the same name is compressed anew", async () => {
    const files = new CompressedFiles();
    await files.respond(req("br"), "a.js", blob, js);
    const changed = `${text}// rebuilt\n`;
    const res = await files.respond(req("br"), "a.js", new Blob([changed]), js);
    expect(brotliDecompressSync(new Uint8Array(await res.arrayBuffer())).toString()).toBe(changed);
  });
});
