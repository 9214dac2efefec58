/**
 * The parts of a request's URL, read as text. Never `new URL(request.url)`: Bun builds
 * `request.url` from the client's Host header, and a hostile Host ("", "a/b", "a@b", "[::1")
 * yields a relative or unparsable URL that makes `new URL` throw on every request.
 */

/** Where the path starts: right after `scheme://host`, or 0 when Bun left the URL relative. */
function pathStart(url: string): number {
  if (url.startsWith("/")) return 0;
  const authority = url.indexOf("//");
  if (authority === -1) return url.length;
  const slash = url.indexOf("/", authority + 2);
  return slash === -1 ? url.length : slash;
}

/** The path (as sent, percent-encoded) and the query string without its `?`. */
export function requestTarget(url: string): { path: string; query: string } {
  const start = pathStart(url);
  const q = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = hash === -1 ? url.length : hash;
  if (q === -1 || q > end) return { path: url.slice(start, end) || "/", query: "" };
  return { path: url.slice(start, q) || "/", query: url.slice(q + 1, end) };
}

/** One query parameter, or null. */
export function queryParam(url: string, name: string): string | null {
  const { query } = requestTarget(url);
  return query ? new URLSearchParams(query).get(name) : null;
}

/** `scheme://host[:port]` of an absolute URL (the host already checked by hostCheck). */
export function requestOrigin(url: string): string {
  return url.slice(0, pathStart(url));
}
