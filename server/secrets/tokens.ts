import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Random URL-safe token text. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256 hex. Keys and tokens are high-entropy random strings, so a fast hash is enough. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Constant-time comparison of a presented token with a stored SHA-256 hex digest. */
export function tokenMatchesHash(presented: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
