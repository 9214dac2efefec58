import { describe, expect, test } from "bun:test";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cipherKey, createCipher, maskSecret } from "./cipher.ts";
import { sha256, tokenMatchesHash } from "./tokens.ts";

describe("secrets", () => {
  test("round-trips and never stores the plain text", () => {
    const c = createCipher(cipherKey({ secret: "a-long-enough-secret", keyFile: "/nonexistent" }));
    const stored = c.encrypt("sk-provider-key-123456");
    expect(stored).not.toContain("sk-provider");
    expect(c.decrypt(stored)).toBe("sk-provider-key-123456");
    expect(c.encrypt("x")).not.toBe(c.encrypt("x"));
  });

  test("a tampered secret fails to decrypt", () => {
    const c = createCipher(cipherKey({ secret: "a-long-enough-secret", keyFile: "/nonexistent" }));
    const stored = c.encrypt("value");
    const bad = `v1:${Buffer.from(Buffer.from(stored.slice(3), "base64").map((b, i) => (i === 30 ? b ^ 1 : b))).toString("base64")}`;
    expect(() => c.decrypt(bad)).toThrow();
  });

  test("generated key file is owner-only and stable", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tg-")), "secret.key");
    const k1 = cipherKey({ keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(cipherKey({ keyFile: file }).equals(k1)).toBe(true);
  });

  test("masking and token comparison", () => {
    expect(maskSecret("sk-abcdefgh1234")).toBe("••••1234");
    expect(maskSecret("short")).toBe("••••");
    expect(tokenMatchesHash("tok", sha256("tok"))).toBe(true);
    expect(tokenMatchesHash("tok2", sha256("tok"))).toBe(false);
  });
});
