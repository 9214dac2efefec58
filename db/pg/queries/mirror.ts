import { eq } from "drizzle-orm";
import type { PgConn } from "../client.ts";
import { accounts, apiKeys } from "../schema/index.ts";

/**
 * What the Redis mirror of an account and a key is loaded from (docs/scale-out.md, "Money
 * across replicas"): the account's balance and version and the key's spend, read as
 * committed. Undefined for an account or a key that is not there.
 */
export async function mirrorState(
  db: PgConn,
  accountId: string,
  keyId: string,
): Promise<{ balance: number; version: number; keyUsed: number } | undefined> {
  const a = await accountMirror(db, accountId);
  const [k] = await db.select({ used: apiKeys.used }).from(apiKeys).where(eq(apiKeys.id, keyId));
  if (!a || !k) return undefined;
  return { balance: a.balance, version: a.version, keyUsed: k.used };
}

/** An account's balance and its version (one row, so the pair is consistent); undefined if not there. */
export async function accountMirror(
  db: PgConn,
  accountId: string,
): Promise<{ balance: number; version: number } | undefined> {
  const [a] = await db
    .select({ balance: accounts.balance, version: accounts.version })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return a;
}
