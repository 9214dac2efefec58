import { GatewayError } from "../errors.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { contentExpired } from "../media-links/store.ts";
import { tlsInit } from "../providers/http.ts";
import { providerFor } from "../providers/registry.ts";

const unavailable = (kind: string) =>
  new GatewayError("upstream", `The provider did not serve this generated ${kind}.`, {
    code: "upstream_error",
  });

/** Redirects followed from a provider's image URL (same host, https or same scheme). */
const MAX_REDIRECTS = 3;

/**
 * Headers of generated media served on the gateway's own origin, the origin of the admin
 * panel too: only image and video types go out as they are (never HTML, SVG or script,
 * which a browser would run as ours), the browser may not sniff another type, and the
 * document is sandboxed should it be opened directly.
 */
function headersFor(kind: "image" | "video", id: string, type: string | null, expiresAt: number) {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  const t = (type ?? "").split(";")[0]!.trim().toLowerCase();
  const safe = t.startsWith(`${kind}/`) && !t.includes("svg") && /^[a-z]+\/[a-z0-9.+-]+$/.test(t);
  return {
    "content-type": safe ? t : "application/octet-stream",
    "content-disposition": `${safe ? "inline" : "attachment"}; filename="${id}"`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox",
    "cache-control": `private, max-age=${maxAge}`,
  };
}

/** Where a redirect from `from` may lead: the same host, over https or the same scheme. */
function followable(from: URL, location: string | null): URL | null {
  if (!location) return null;
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return null;
  }
  if (to.hostname !== from.hostname) return null;
  return to.protocol === "https:" || to.protocol === from.protocol ? to : null;
}

/**
 * `GET /v1/images/<id>/content`: the image fetched from the provider's URL (kept
 * server-side, encrypted) and streamed through. Expired links answer 410; an upstream
 * that no longer has the image (its own URL expired) is treated the same way. The
 * first-byte deadline covers the wait for headers only; the body may take up to the
 * provider's total deadline (a large image on a slow link is not cut).
 */
export async function serveImageLink(
  gw: Pick<CallServices, "media" | "catalog">,
  id: string,
  signal?: AbortSignal,
): Promise<Response> {
  const link = await gw.media.resolve("image", id, Date.now());
  const provider = gw.catalog.provider(link.providerId);
  const deadline = new AbortController();
  const total = setTimeout(() => deadline.abort(), provider?.timeouts.totalMs ?? 600_000);
  const firstByte = setTimeout(() => deadline.abort(), provider?.timeouts.firstByteMs ?? 60_000);
  const abort = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  let res: Response;
  try {
    let url = new URL(link.upstreamRef);
    for (let hops = 0; ; hops++) {
      res = await fetch(url, { signal: abort, redirect: "manual", ...(provider ? tlsInit(provider) : {}) });
      if (res.status < 300 || res.status >= 400) break;
      const next = hops < MAX_REDIRECTS ? followable(url, res.headers.get("location")) : null;
      res.body?.cancel().catch(() => {});
      if (!next) throw unavailable("image");
      url = next;
    }
  } catch {
    clearTimeout(total);
    throw unavailable("image");
  } finally {
    clearTimeout(firstByte);
  }
  if (res.status >= 400 && res.status < 500) {
    clearTimeout(total);
    throw contentExpired("image");
  }
  if (!res.ok || !res.body) {
    clearTimeout(total);
    throw unavailable("image");
  }
  const done = new TransformStream<Uint8Array, Uint8Array>({ flush: () => clearTimeout(total) });
  return new Response(res.body.pipeThrough(done), {
    headers: headersFor("image", id, res.headers.get("content-type") ?? link.mimeType, link.expiresAt),
  });
}

/** `GET /v1/videos/<id>/content`: the rendered video, fetched with the provider's key and streamed through. */
export async function serveVideoLink(
  gw: Pick<CallServices, "media" | "catalog">,
  id: string,
  variant: string | null,
  signal: AbortSignal,
): Promise<Response> {
  const link = await gw.media.resolve("video", id, Date.now());
  const provider = gw.catalog.provider(link.providerId);
  const videos = provider ? providerFor(provider.kind).videos : undefined;
  if (!provider || !videos) throw unavailable("video");
  const res = await videos
    .content({ requestId: id, target: { provider, model: "" }, signal }, link.upstreamRef, variant)
    .catch((err: unknown) => {
      // The provider dropped the assets before our link expired: gone all the same.
      if (err instanceof GatewayError && (err.status === 404 || err.status === 410))
        throw contentExpired("video");
      throw err;
    });
  return new Response(res.body, {
    headers: headersFor("video", id, res.headers.get("content-type") ?? link.mimeType, link.expiresAt),
  });
}

/** `GET /v1/videos/<id>`: the finished video object, as the synchronous create returned it. */
export async function videoObject(
  gw: Pick<CallServices, "media" | "catalog">,
  id: string,
): Promise<Record<string, unknown>> {
  return (await gw.media.resolve("video", id, Date.now())).meta;
}
