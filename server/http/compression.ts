import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

/**
 * Static files (the admin panel, the docs UI) compressed on first request and kept in
 * memory: one compression per file and encoding for the life of the process, on zlib's
 * thread pool so the event loop (and every stream in flight) never waits for it. Files
 * come from admin/dist, node_modules or the binary, so compressing at serve time works
 * for all three without a build step writing .br files beside them.
 */
export type Encoding = "br" | "gzip";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Brotli quality 5: within ~10% of quality 11 in size at a twentieth of the time (docs/install.md). */
const BROTLI_QUALITY = 5;
/** Below this, headers and framing eat what compression saves. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json)|image\/svg\+xml)/;
/** The set of files is fixed per build; the cap only bounds a dev loop rebuilding under a running server. */
const MAX_ENTRIES = 256;

/**
 * The encoding to answer with: brotli over gzip when both are accepted, `q=0` refuses,
 * `*` stands for any encoding not named. Null: send the file as it is.
 */
export function pickEncoding(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [rawName = "", ...params] = part.toLowerCase().split(";");
    const name = rawName.trim();
    const qParam = params.map((p) => p.replace(/\s/g, "")).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (name) q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepted = (enc: Encoding) => (q.get(enc) ?? q.get("*") ?? 0) > 0;
  if (accepted("br")) return "br";
  if (accepted("gzip")) return "gzip";
  return null;
}

async function compress(blob: Blob, encoding: Encoding): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await blob.bytes();
  const out =
    encoding === "gzip"
      ? await gzipAsync(bytes, { level: 9 })
      : await brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        });
  return new Uint8Array(out); // a Buffer may view a shared pool; a body gets its own bytes
}

export class CompressedFiles {
  private readonly cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  /**
   * The response for a static file: compressed when its type is worth it, it is large
   * enough and the client accepts an encoding; `Vary: Accept-Encoding` whenever the answer
   * depends on that header, so a shared cache never hands brotli to a client without it.
   * `key` names the file (path plus size and mtime, so a rebuilt file is compressed anew).
   */
  async respond(
    request: Request,
    key: string,
    blob: Blob,
    headers: Record<string, string>,
  ): Promise<Response> {
    const type = headers["content-type"] ?? blob.type;
    if (!COMPRESSIBLE.test(type) || blob.size < MIN_BYTES) return new Response(blob, { headers });
    const encoding = pickEncoding(request.headers.get("accept-encoding"));
    const vary = { ...headers, vary: "Accept-Encoding" };
    if (!encoding) return new Response(blob, { headers: vary });
    try {
      const body = await this.compressed(
        `${encoding}:${key}:${blob.size}:${lastModified(blob)}`,
        blob,
        encoding,
      );
      return new Response(body, { headers: { ...vary, "content-encoding": encoding } });
    } catch {
      return new Response(blob, { headers: vary }); // unreadable or uncompressible: send it as it is
    }
  }

  private compressed(cacheKey: string, blob: Blob, encoding: Encoding): Promise<Uint8Array<ArrayBuffer>> {
    let entry = this.cache.get(cacheKey);
    if (!entry) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      entry = compress(blob, encoding);
      // A failed compression is not cached: the next request tries again.
      entry.catch(() => this.cache.delete(cacheKey));
      this.cache.set(cacheKey, entry);
    }
    return entry;
  }
}

const lastModified = (blob: Blob) => ("lastModified" in blob ? Number(blob.lastModified) : 0);
