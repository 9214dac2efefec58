import { createHmac, timingSafeEqual } from "node:crypto";

/** The header a webhook receiver checks: `sha256=` and the hex HMAC-SHA256 of the raw body under the shared secret. */
export const SIGNATURE_HEADER = "x-tollgate-signature";

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What a receiver does (and the tests do): recompute and compare in constant time. */
export function verify(secret: string, body: string, header: string | null): boolean {
  if (!header) return false;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}
