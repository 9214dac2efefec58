import { and, inArray, sql } from "drizzle-orm";
import type { PgConn } from "../client.ts";
import { accounts, apiKeys, generatedMedia, ledgerEntries, requestLog } from "../schema/index.ts";
import type { ChargeIn, Settled } from "./settle.ts";

/**
 * Which of these rows are committed: what the group commit asks after a batch failed on its
 * connection, since the reply may have been lost after the commit (server/store/pg-writer.ts).
 * Read-only; one query per table named.
 */
export async function landedIds(
  db: PgConn,
  ids: { log: string[]; media: string[]; ledger: string[] },
): Promise<Set<string>> {
  const found = new Set<string>();
  const add = (rows: { id: string }[]) => {
    for (const r of rows) found.add(r.id);
  };
  if (ids.log.length > 0)
    add(await db.select({ id: requestLog.id }).from(requestLog).where(inArray(requestLog.id, ids.log)));
  if (ids.media.length > 0)
    add(
      await db
        .select({ id: generatedMedia.id })
        .from(generatedMedia)
        .where(inArray(generatedMedia.id, ids.media)),
    );
  // A charge that is the mark of its entry has no log row in it: an entry of ledger_entries
  // (a charge with its log row rides on that row, migration 0007).
  if (ids.ledger.length > 0)
    add(
      await db
        .select({ id: ledgerEntries.id })
        .from(ledgerEntries)
        .where(inArray(ledgerEntries.id, ids.ledger)),
    );
  return found;
}

/**
 * Charges already committed, as `tollgate_settle` reports a ledger id it has seen (what was
 * charged, the account's balance and version and the key's spend now), without taking its
 * locks: a charge capped to nothing left no ledger row, and reads as charged 0. An account
 * that is not there is left out, as the function does.
 */
export async function settledAlready(db: PgConn, charges: readonly ChargeIn[]): Promise<Settled[]> {
  if (charges.length === 0) return [];
  const uniq = (f: (c: ChargeIn) => string) => [...new Set(charges.map(f))];
  // Each half of the ledger view by its own key: an entry by its id, a charge its log row
  // carries by the row's id (the view's id there, ledger_id, has no index).
  const [entries, logged, accts, keys] = await Promise.all([
    db
      .select({ id: ledgerEntries.id, amount: ledgerEntries.amount })
      .from(ledgerEntries)
      .where(
        inArray(
          ledgerEntries.id,
          uniq((c) => c.ledgerId),
        ),
      ),
    db
      .select({ id: sql<string>`${requestLog.ledgerId}`, cost: requestLog.cost })
      .from(requestLog)
      .where(
        and(
          inArray(
            requestLog.id,
            uniq((c) => c.requestId),
          ),
          inArray(
            requestLog.ledgerId,
            uniq((c) => c.ledgerId),
          ),
        ),
      ),
    db
      .select({ id: accounts.id, balance: accounts.balance, version: accounts.version })
      .from(accounts)
      .where(
        inArray(
          accounts.id,
          uniq((c) => c.accountId),
        ),
      ),
    db
      .select({ id: apiKeys.id, used: apiKeys.used })
      .from(apiKeys)
      .where(
        inArray(
          apiKeys.id,
          uniq((c) => c.keyId),
        ),
      ),
  ]);
  const charged = new Map([
    ...entries.map((r) => [r.id, -r.amount] as const),
    ...logged.map((r) => [r.id, r.cost] as const),
  ]);
  const acct = new Map(accts.map((a) => [a.id, a]));
  const used = new Map(keys.map((k) => [k.id, k.used]));
  const out: Settled[] = [];
  for (const c of charges) {
    const a = acct.get(c.accountId);
    if (!a) continue;
    out.push({
      ledgerId: c.ledgerId,
      accountId: c.accountId,
      keyId: c.keyId,
      charged: charged.get(c.ledgerId) ?? 0,
      balance: a.balance,
      version: a.version,
      keyUsed: used.get(c.keyId) ?? 0,
    });
  }
  return out;
}
