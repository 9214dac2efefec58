import type { AccountBook } from "../billing/account-book.ts";
import type { KeyRecord, KeyStore } from "../keys/key-store.ts";

/**
 * The key a row of the tables names (a membership, an external subject's link), with its
 * account. Made on another replica a moment ago, neither may be loaded here yet (the change
 * signal takes up to a second, a load balancer's next call comes sooner): they are read then,
 * rather than a 401 for someone the tables know. Keys and accounts are never deleted, so each
 * is missed once; a revoked key is refused by the caller without reading anything more.
 */
export async function freshKey(
  d: { keys: KeyStore; book: AccountBook },
  keyId: string,
): Promise<KeyRecord | undefined> {
  const key = await d.keys.named(keyId);
  if (key && key.status !== "revoked" && !d.book.get(key.accountId)) await d.book.refresh();
  return key;
}
