import type { ProviderPatch } from "../../db/queries/catalog.ts";
import type { CatalogWrite, Store } from "../../db/store.ts";
import type { Cipher } from "../secrets/cipher.ts";

/**
 * A provider's extra headers as stored: encrypted JSON (they often carry credentials such
 * as `api-key` or `x-api-key`), and nothing in the clear column.
 */
export function sealHeaders(
  cipher: Cipher,
  headers: Record<string, string>,
): { headers: Record<string, string>; headersEnc: string | null } {
  return {
    headers: {},
    headersEnc: Object.keys(headers).length > 0 ? cipher.encrypt(JSON.stringify(headers)) : null,
  };
}

/** The headers of a stored row: decrypted, or the clear column of a row from before encryption. */
export function openHeaders(
  cipher: Cipher,
  row: { headers: Record<string, string>; headersEnc: string | null },
): Record<string, string> {
  if (row.headersEnc === null) return row.headers;
  try {
    return JSON.parse(cipher.decrypt(row.headersEnc)) as Record<string, string>;
  } catch {
    // Wrong TOLLGATE_SECRET or key file: no headers until they are set again (like the key).
    return {};
  }
}

/**
 * Once at start: encrypts headers still stored in the clear, and re-encrypts keys and
 * headers stored under an older key derivation. When a stored secret does not decrypt
 * at all (a wrong TOLLGATE_SECRET or key file, say a CLI run with another environment),
 * nothing is touched: clear headers sealed under the wrong key would be lost.
 */
export function resealProviderSecrets(store: Store, cipher: Cipher): Promise<number> {
  return store.catalog.reconcile(({ providers: rows }) => {
    const writes: CatalogWrite[] = [];
    const resealed = new Map<string, string | null>();
    for (const stored of rows.flatMap((r) => [r.apiKeyEnc, r.headersEnc])) {
      if (stored === null) continue;
      try {
        resealed.set(stored, cipher.reseal(stored));
      } catch {
        return { writes: [], result: 0 }; // not our key
      }
    }
    const again = (stored: string | null) => (stored === null ? null : (resealed.get(stored) ?? null));
    for (const row of rows) {
      const set: ProviderPatch = {};
      const key = again(row.apiKeyEnc);
      if (key !== null) set.apiKeyEnc = key;
      if (row.headersEnc === null && Object.keys(row.headers).length > 0)
        Object.assign(set, sealHeaders(cipher, row.headers));
      else {
        const headers = again(row.headersEnc);
        if (headers !== null) set.headersEnc = headers;
      }
      if (Object.keys(set).length > 0) writes.push({ updateProvider: { id: row.id, set } });
    }
    return { writes, result: writes.length };
  });
}
