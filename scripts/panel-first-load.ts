/**
 * What a browser downloads to show the admin panel's sign-in page, measured against a
 * running gateway: the HTML, then every script, module preload, stylesheet and icon it
 * names, each fetched as a browser would (Accept-Encoding: gzip, deflate, br) and counted
 * as sent on the wire (compressed bytes when the gateway compresses). Chunks the page
 * imports later (other pages) are not counted. Figures in docs/install.md.
 *
 *   bun scripts/panel-first-load.ts http://127.0.0.1:8000
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";

const base = (process.argv[2] ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const ACCEPT = "gzip, deflate, br";

type Row = { path: string; wire: number; decoded: number; encoding: string };

async function measure(path: string): Promise<Row & { text: string }> {
  const res = await fetch(`${base}${path}`, { headers: { "accept-encoding": ACCEPT }, decompress: false });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  const raw = new Uint8Array(await res.arrayBuffer());
  const encoding = res.headers.get("content-encoding") ?? "identity";
  const decoded = encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw;
  return {
    path,
    wire: raw.length,
    decoded: decoded.length,
    encoding,
    text: new TextDecoder().decode(decoded),
  };
}

const page = await measure("/admin/sign-in");
const refs = [
  ...page.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
  ...page.text.matchAll(/<link[^>]*\shref="([^"]+)"/g),
].map((m) => m[1]!);
const rows: Row[] = [page];
for (const ref of refs) rows.push(await measure(ref));

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
for (const r of rows)
  console.log(
    `${r.path.padEnd(44)} ${kb(r.wire).padStart(10)} on the wire (${r.encoding}), ${kb(r.decoded)} decoded`,
  );
const wire = rows.reduce((s, r) => s + r.wire, 0);
const decoded = rows.reduce((s, r) => s + r.decoded, 0);
console.log(
  `first load: ${rows.length} files, ${wire} bytes on the wire (${kb(wire)}), ${decoded} bytes decoded (${kb(decoded)})`,
);
