import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * AES-256-GCM for provider secrets at rest. The key is SHA-256 of TOLLGATE_SECRET, or 32
 * random bytes kept in a key file beside the database, created readable by its owner only.
 * Stored form: `v1:<base64(iv | tag | ciphertext)>`.
 */
export type Cipher = { encrypt(plain: string): string; decrypt(stored: string): string };

export function createCipher(key: Buffer): Cipher {
  if (key.length !== 32) throw new Error("cipher key must be 32 bytes");
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return `v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64")}`;
    },
    decrypt(stored) {
      if (!stored.startsWith("v1:")) throw new Error("unknown secret format");
      const raw = Buffer.from(stored.slice(3), "base64");
      const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
    },
  };
}

export function cipherKey(opts: { secret?: string; keyFile: string }): Buffer {
  if (opts.secret) return createHash("sha256").update(`tollgate:${opts.secret}`).digest();
  if (existsSync(opts.keyFile)) {
    const key = Buffer.from(readFileSync(opts.keyFile, "utf8").trim(), "base64");
    if (key.length !== 32) throw new Error(`${opts.keyFile} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(dirname(opts.keyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(opts.keyFile, key.toString("base64"), { mode: 0o600 });
  chmodSync(opts.keyFile, 0o600);
  return key;
}

/** What the admin sees of a secret: never more than its last four characters. */
export function maskSecret(plain: string | null): string | null {
  if (!plain) return null;
  return plain.length <= 8 ? "••••" : `••••${plain.slice(-4)}`;
}
