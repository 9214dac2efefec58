import type { ImageSource } from "./request.ts";

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+);base64,/i;

/** An image URL as the client gave it: a data: URL becomes inline base64, anything else stays a URL. */
export function imageFromUrl(url: string): ImageSource {
  const m = DATA_URL.exec(url);
  if (m?.[1]) return { kind: "base64", mediaType: m[1].toLowerCase(), data: url.slice(m[0].length) };
  return { kind: "url", url };
}

/** The image as one URL string (a data: URL for inline images). */
export function imageToUrl(src: ImageSource): string {
  return src.kind === "url" ? src.url : `data:${src.mediaType};base64,${src.data}`;
}

/** Bytes of the image payload in a body (URL or base64 text), for byte-bound reservations. */
export function imagePayloadLength(src: ImageSource): number {
  return src.kind === "url" ? src.url.length : src.data.length;
}
