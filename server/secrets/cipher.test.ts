import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cipherKeys, createCipher, maskSecret } from "./cipher.ts";
import { sha256, tokenMatchesHash } from "./tokens.ts";

describe("secrets", () => {
  test("round-trips and never stores the plain text", () => {
    const c = createCipher(cipherKeys({ secret: "a-long-enough-secret", keyFile: "/nonexistent" }));
    const stored = c.encrypt("sk-provider-key-123456");
    expect(stored).not.toContain("sk-provider");
    expect(c.decrypt(stored)).toBe("sk-provider-key-123456");
    expect(c.encrypt("x")).not.toBe(c.encrypt("x"));
  });

  test("a tampered secret fails to decrypt", () => {
    const c = createCipher(cipherKeys({ secret: "a-long-enough-secret", keyFile: "/nonexistent" }));
    const stored = c.encrypt("value");
    const bad = `v1:${Buffer.from(Buffer.from(stored.slice(3), "base64").map((b, i) => (i === 30 ? b ^ 1 : b))).toString("base64")}`;
    expect(() => c.decrypt(bad)).toThrow();
  });

  test("generated key file is owner-only and stable", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tg-")), "secret.key");
    const k1 = cipherKeys({ keyFile: file }).current;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(cipherKeys({ keyFile: file }).current.equals(k1)).toBe(true);
  });

  test("TOLLGATE_SECRET goes through scrypt, not one unsalted SHA-256; rows under the old key still decrypt and reseal", () => {
    const secret = "a-long-enough-secret";
    const legacyKey = createHash("sha256").update(`tollgate:${secret}`).digest();
    const keys = cipherKeys({ secret, keyFile: "/nonexistent" });
    expect(keys.current.equals(legacyKey)).toBe(false);
    const oldRow = createCipher(legacyKey).encrypt("sk-written-by-an-older-version");
    const c = createCipher(keys);
    expect(c.decrypt(oldRow)).toBe("sk-written-by-an-older-version");
    const resealed = c.reseal(oldRow)!;
    expect(resealed).not.toBeNull();
    expect(createCipher(keys.current).decrypt(resealed)).toBe("sk-written-by-an-older-version");
    expect(c.reseal(resealed)).toBeNull(); // already under the current key
    expect(() => createCipher(legacyKey).decrypt(resealed)).toThrow();
  });

  test("mac: keyed, stable per key", () => {
    const a = createCipher(cipherKeys({ secret: "a-long-enough-secret", keyFile: "/nonexistent" }));
    const b = createCipher(cipherKeys({ secret: "another-long-secret", keyFile: "/nonexistent" }));
    expect(a.mac("x")).toBe(a.mac("x"));
    expect(a.mac("x")).not.toBe(b.mac("x"));
    expect(a.mac("x")).not.toBe(a.mac("y"));
  });

  test("masking and token comparison", () => {
    expect(maskSecret("sk-abcdefgh1234")).toBe("••••1234");
    expect(maskSecret("short")).toBe("••••");
    expect(tokenMatchesHash("tok", sha256("tok"))).toBe(true);
    expect(tokenMatchesHash("tok2", sha256("tok"))).toBe(false);
  });
});
