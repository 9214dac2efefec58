import { withDeadline } from "../core/deadline.ts";
import { loadKeyIfStored } from "../keys/fresh-key.ts";
import { KEY_PREFIX } from "../keys/key-store.ts";
import { sha256 } from "../secrets/tokens.ts";
import { arrivalWait } from "./arrival.ts";
import { presentedKey } from "./client-auth.ts";

/** Table lookups of unknown keys per second per replica: a guesser's cost to the database. */
export const UNKNOWN_KEY_LOOKUPS_PER_SECOND = 20;
/** Longer than any key this gateway makes (`sk-tg-` and 32 characters): not worth a lookup. */
const MAX_KEY_LENGTH = 64;
/** A database gone silent holds a request no longer than the change signal would have taken. */
const LOOKUP_DEADLINE_MS = 1000;

/** The key store, the account book and the store's keys (keys/fresh-key.ts). */
export type FreshKeyDeps = Parameters<typeof loadKeyIfStored>[0] & {
  /** False while the database is known unreachable: no lookup is tried then. */
  readonly commits: { readonly reachable: boolean };
};

/**
 * An API key made on another replica a moment ago, used here before the change signal's
 * reload (the admin API answers before it announces the change, so a client that creates a
 * key and calls at once can beat the signal). As the request arrives, a key of our shape
 * that this replica does not know is looked up in the table by its hash; when it is there,
 * the keys are read and the request goes on to find it, instead of a 401 for a key the
 * client was just given. An unknown key may be a guess: at most `perSecond` lookups a
 * second, and a hash that was not there is not asked for again in the same second; past
 * that, unknown keys are refused as before. Installed only where another process can make
 * keys unseen (replicas, or PostgreSQL), so one box pays nothing.
 */
export function freshApiKey(
  d: FreshKeyDeps,
  {
    perSecond = UNKNOWN_KEY_LOOKUPS_PER_SECOND,
    clock = Date.now,
  }: { perSecond?: number; clock?: () => number } = {},
) {
  let second = 0;
  let asked = new Set<string>();
  return arrivalWait("fresh-api-key", (request) => {
    const token = presentedKey(request);
    if (token === null || !token.startsWith(KEY_PREFIX) || token.length > MAX_KEY_LENGTH) return undefined;
    const hash = sha256(token);
    if (d.keys.byHash(hash)) return undefined;
    const now = Math.floor(clock() / 1000);
    if (now !== second) {
      second = now;
      asked = new Set();
    }
    if (asked.has(hash) || asked.size >= perSecond || !d.commits.reachable) return undefined;
    asked.add(hash);
    // The lookup failing or late (the database away) leaves the request to its own 401, as before.
    return withDeadline(loadKeyIfStored(d, hash), LOOKUP_DEADLINE_MS).catch(() => undefined);
  });
}
