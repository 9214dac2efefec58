import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scryptSync,
} from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * AES-256-GCM for provider secrets at rest. The key is derived from TOLLGATE_SECRET with
 * scrypt, or is 32 random bytes kept in a key file beside the database, created readable
 * by its owner only. Stored form: `v1:<base64(iv | tag | ciphertext)>`.
 */
export type Cipher = {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /**
   * The same secret encrypted under the current key when it was stored under an older
   * one (a TOLLGATE_SECRET derived the old way), else null: re-encrypt on load.
   */
  reseal(stored: string): string | null;
  /** A keyed fingerprint (HMAC-SHA256, hex) of `text`: stable for this key, useless without it. */
  mac(text: string): string;
};

/** The key to encrypt with, and older keys that may still decrypt rows written before. */
export type CipherKeys = { current: Buffer; previous: Buffer[] };

function open(key: Buffer, stored: string): string {
  if (!stored.startsWith("v1:")) throw new Error("unknown secret format");
  const raw = Buffer.from(stored.slice(3), "base64");
  const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
}

export function createCipher(keys: Buffer | CipherKeys): Cipher {
  const { current: key, previous } = Buffer.isBuffer(keys) ? { current: keys, previous: [] } : keys;
  if (key.length !== 32 || previous.some((k) => k.length !== 32))
    throw new Error("cipher key must be 32 bytes");
  const macKey = createHmac("sha256", key).update("tollgate:mac-key").digest();
  const encrypt = (plain: string) => {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return `v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64")}`;
  };
  /** The plain text and whether an older key opened it. */
  const decrypt = (stored: string): { plain: string; old: boolean } => {
    try {
      return { plain: open(key, stored), old: false };
    } catch (err) {
      for (const k of previous) {
        try {
          return { plain: open(k, stored), old: true };
        } catch {
          // not this one either
        }
      }
      throw err;
    }
  };
  return {
    encrypt,
    decrypt: (stored) => decrypt(stored).plain,
    reseal(stored) {
      const { plain, old } = decrypt(stored);
      return old ? encrypt(plain) : null;
    },
    mac: (text) => createHmac("sha256", macKey).update(text).digest("hex"),
  };
}

/** A fixed application salt: the secret itself is what must be long and random. */
const SCRYPT_SALT = "tollgate:cipher-key:v2";
/** scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB and about 0.1 s, once at start. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * The key from TOLLGATE_SECRET (scrypt; the earlier single SHA-256 stays as a key that
 * may still decrypt rows written before), else from the key file (created on first use).
 */
export function cipherKeys(opts: { secret?: string; keyFile: string }): CipherKeys {
  if (opts.secret)
    return {
      current: scryptSync(opts.secret, SCRYPT_SALT, 32, SCRYPT),
      previous: [createHash("sha256").update(`tollgate:${opts.secret}`).digest()],
    };
  if (existsSync(opts.keyFile)) {
    const key = Buffer.from(readFileSync(opts.keyFile, "utf8").trim(), "base64");
    if (key.length !== 32) throw new Error(`${opts.keyFile} does not hold a 32-byte base64 key`);
    return { current: key, previous: [] };
  }
  mkdirSync(dirname(opts.keyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(opts.keyFile, key.toString("base64"), { mode: 0o600 });
  chmodSync(opts.keyFile, 0o600);
  return { current: key, previous: [] };
}

/** What the admin sees of a secret: never more than its last four characters. */
export function maskSecret(plain: string | null): string | null {
  if (!plain) return null;
  return plain.length <= 8 ? "••••" : `••••${plain.slice(-4)}`;
}
