import { Elysia } from "elysia";
import { notFound } from "../errors.ts";
import { CompressedFiles } from "../http/compression.ts";
import { requestTarget } from "../http/request-target.ts";
import type { AssetSource } from "./asset-source.ts";

/** Vite puts content-hashed files under assets/: their names change when their bytes do. */
const HASHED = /^assets\//;
const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html names the current hashed files: the browser must revalidate it every time. */
const REVALIDATE = "no-cache";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
};

function contentType(path: string, blob: Blob): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return TYPES[ext] ?? (blob.type || "application/octet-stream");
}

/**
 * The panel loads only its own files and talks only to its own origin: an injected
 * script or a stray link to another host does nothing. Styles allow inline attributes
 * (recharts positions its tooltips and legends with style="...").
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "content-security-policy": CSP,
};

/** One per panel: compressed bodies are cached per file for the life of the process. */
function fileResponder() {
  const files = new CompressedFiles();
  return (request: Request, path: string, blob: Blob, cache: string): Promise<Response> =>
    files.respond(request, `admin/${path}`, blob, {
      "content-type": contentType(path, blob),
      "cache-control": cache,
      ...securityHeaders,
    });
}

/**
 * Serves the panel at /admin. A real file is sent (compressed when the client accepts it,
 * see http/compression.ts); a path that looks like a file
 * (has an extension) and is missing is a 404; anything else is a client-side route and
 * gets index.html (SPA fallback). `/admin` and `/admin/` both serve the panel: Elysia
 * matches both, so we branch on the path and never redirect (a redirect would loop).
 * Unknown /admin/api/* paths stay JSON 404s.
 */
export const adminUi = (source: AssetSource) => {
  const fileResponse = fileResponder();
  const serve = async (request: Request): Promise<Response> => {
    const pathname = requestTarget(request.url).path;
    if (pathname === "/admin/api" || pathname.startsWith("/admin/api/"))
      throw notFound(`Unknown request URL: ${pathname}.`, "unknown_url");
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.replace(/^\/admin\/?/, ""));
    } catch {
      rel = "";
    }
    if (rel && !rel.endsWith("/")) {
      const file = source.get(rel);
      if (file) return fileResponse(request, rel, file, HASHED.test(rel) ? IMMUTABLE : REVALIDATE);
      if (/\.[a-z0-9]+$/i.test(rel))
        return new Response("Not found", { status: 404, headers: securityHeaders });
    }
    const index = source.get("index.html");
    if (!index)
      return new Response(
        `The admin panel is not built (no index.html in ${source.describe}). Run \`npm run build:admin\`, or start with \`npm start\`, which builds it.`,
        { status: 503, headers: { "content-type": "text/plain; charset=utf-8", ...securityHeaders } },
      );
    return fileResponse(request, "index.html", index, REVALIDATE);
  };
  return new Elysia({ name: "admin-ui" })
    .get("/admin", ({ request }) => serve(request), { detail: { hide: true } })
    .get("/admin/*", ({ request }) => serve(request), { detail: { hide: true } });
};
