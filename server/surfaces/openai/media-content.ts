import { GatewayError } from "../../errors.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { contentExpired } from "../../media-links/store.ts";
import { tlsInit } from "../../providers/http.ts";
import { providerFor } from "../../providers/registry.ts";

const unavailable = (kind: string) =>
  new GatewayError("upstream", `The provider did not serve this generated ${kind}.`, {
    code: "upstream_error",
  });

function headersFor(type: string | null, expiresAt: number): Record<string, string> {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  return {
    "content-type": type ?? "application/octet-stream",
    "cache-control": `private, max-age=${maxAge}`,
  };
}

/**
 * `GET /v1/images/<id>/content`: the image fetched from the provider's URL (kept
 * server-side, encrypted) and streamed through. Expired links answer 410; an upstream
 * that no longer has the image (its own URL expired) is treated the same way.
 */
export async function serveImageLink(gw: Gateway, id: string): Promise<Response> {
  const link = gw.media.resolve("image", id, Date.now());
  const provider = gw.catalog.provider(link.providerId);
  let res: Response;
  try {
    res = await fetch(link.upstreamRef, {
      signal: AbortSignal.timeout(provider?.timeouts.firstByteMs ?? 60_000),
      ...(provider ? tlsInit(provider) : {}),
    });
  } catch {
    throw unavailable("image");
  }
  if (res.status >= 400 && res.status < 500) throw contentExpired("image");
  if (!res.ok || !res.body) throw unavailable("image");
  return new Response(res.body, {
    headers: headersFor(res.headers.get("content-type") ?? link.mimeType, link.expiresAt),
  });
}

/** `GET /v1/videos/<id>/content`: the rendered video, fetched with the provider's key and streamed through. */
export async function serveVideoLink(
  gw: Gateway,
  id: string,
  variant: string | null,
  signal: AbortSignal,
): Promise<Response> {
  const link = gw.media.resolve("video", id, Date.now());
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
    headers: headersFor(res.headers.get("content-type") ?? link.mimeType, link.expiresAt),
  });
}

/** `GET /v1/videos/<id>`: the finished video object, as the synchronous create returned it. */
export function videoObject(gw: Gateway, id: string): Record<string, unknown> {
  return gw.media.resolve("video", id, Date.now()).meta;
}
