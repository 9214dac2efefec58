import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import { cipherKeys, createCipher } from "../secrets/cipher.ts";
import { openHeaders, resealProviderSecrets } from "./provider-secrets.ts";

const MIGRATIONS = join(import.meta.dir, "..", "..", "db", "migrations");
const SECRET = "a-long-enough-deployment-secret";

function database() {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, MIGRATIONS);
  return { sqlite, db };
}

function insert(
  sqlite: ReturnType<typeof database>["sqlite"],
  row: { apiKeyEnc: string | null; headers: string },
) {
  sqlite
    .query(
      "INSERT INTO providers (id, kind, base_url, api_key_enc, options, headers, timeouts, enabled, created_at, updated_at) VALUES ('p', 'openai', 'http://x', ?, '{}', ?, '{}', 1, 0, 0)",
    )
    .run(row.apiKeyEnc, row.headers);
}

const read = (sqlite: ReturnType<typeof database>["sqlite"]) =>
  sqlite.query("SELECT api_key_enc, headers, headers_enc FROM providers").get() as {
    api_key_enc: string | null;
    headers: string;
    headers_enc: string | null;
  };

describe("resealProviderSecrets", () => {
  test("a key under the old SHA-256 derivation and clear headers come out under the scrypt key", async () => {
    const { sqlite, db } = database();
    const legacy = createCipher(createHash("sha256").update(`tollgate:${SECRET}`).digest());
    insert(sqlite, {
      apiKeyEnc: legacy.encrypt("sk-old-key-123456"),
      headers: '{"api-key":"clear-value-1234"}',
    });
    const keys = cipherKeys({ secret: SECRET, keyFile: "/nonexistent" });
    expect(await resealProviderSecrets(sqliteStore(db), createCipher(keys))).toBe(1);
    const row = read(sqlite);
    const current = createCipher(keys.current); // the current key alone, no fallback
    expect(current.decrypt(row.api_key_enc!)).toBe("sk-old-key-123456");
    expect(JSON.parse(row.headers)).toEqual({});
    expect(openHeaders(current, { headers: {}, headersEnc: row.headers_enc })).toEqual({
      "api-key": "clear-value-1234",
    });
    expect(await resealProviderSecrets(sqliteStore(db), createCipher(keys))).toBe(0); // nothing left to do
  });

  test("with a key that opens nothing stored (a wrong secret), nothing is touched", async () => {
    const { sqlite, db } = database();
    const right = createCipher(cipherKeys({ secret: SECRET, keyFile: "/nonexistent" }));
    insert(sqlite, { apiKeyEnc: right.encrypt("sk-key-123456"), headers: '{"api-key":"clear-value-1234"}' });
    const before = read(sqlite);
    const wrong = createCipher(cipherKeys({ secret: "another-deployment-secret", keyFile: "/nonexistent" }));
    expect(await resealProviderSecrets(sqliteStore(db), wrong)).toBe(0);
    expect(read(sqlite)).toEqual(before);
  });
});
