import type { Store } from "../../db/store.ts";
import type { AccountBook } from "../billing/account-book.ts";
import { afterNow } from "../core/after-now.ts";
import type { KeyRecord, KeyStore } from "./key-store.ts";

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
  return withAccount(d, d.keys.get(keyId));
}

/**
 * An API key this replica does not know, by its hash: when the table has it (made on
 * another replica a moment ago), the keys and, if need be, the accounts are read, so the
 * request's own lookup then finds it. Whether to ask at all is the caller's budget
 * (http/fresh-api-key.ts): an unknown key may be a guess.
 */
export async function loadKeyIfStored(
  d: { keys: KeyStore; book: AccountBook; store: Pick<Store, "keys"> },
  hash: string,
): Promise<KeyRecord | undefined> {
  if (!(await d.store.keys.hashExists(hash))) return undefined;
  if (!d.keys.byHash(hash)) await readAgain(d.keys, () => d.keys.load());
  return withAccount(d, d.keys.byHash(hash));
}

async function withAccount(
  d: { book: AccountBook },
  key: KeyRecord | undefined,
): Promise<KeyRecord | undefined> {
  if (key && key.status !== "revoked" && !d.book.get(key.accountId))
    await readAgain(d.book, () => d.book.refresh());
  return key;
}
