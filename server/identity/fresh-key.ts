import type { AccountBook } from "../billing/account-book.ts";
import { afterNow } from "../core/after-now.ts";
import type { KeyRecord, KeyStore } from "../keys/key-store.ts";

/** One shared reader per cache: a burst of misses reads the table at most twice at a time. */
const readers = new WeakMap<object, () => Promise<void>>();
function readAgain(cache: object, read: () => Promise<void>): Promise<void> {
  let r = readers.get(cache);
  if (!r) {
    r = afterNow(read);
    readers.set(cache, r);
  }
  return r();
}

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
  if (!d.keys.get(keyId)) await readAgain(d.keys, () => d.keys.load());
  const key = d.keys.get(keyId);
  if (key && key.status !== "revoked" && !d.book.get(key.accountId))
    await readAgain(d.book, () => d.book.refresh());
  return key;
}
