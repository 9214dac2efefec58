import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, ledger } from "../../db/schema/index.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Write } from "../store/writes.ts";

export type AccountState = {
  id: string;
  name: string;
  balance: number;
  used: number;
  /** Sum of open reservations (memory only: a restart leaves none hanging). */
  reserved: number;
  createdAt: number;
};

export type Hold = { accountId: string; keyId: string; amount: number; open: boolean };

export type LedgerKind = "topup" | "charge" | "refund" | "adjustment";

/** A time-ordered id: the prefix and a UUIDv7 as 32 hex digits (its dashes dropped). */
export const newId = (prefix: string) => {
  const u = Bun.randomUUIDv7();
  return `${prefix}_${u.slice(0, 8)}${u.slice(9, 13)}${u.slice(14, 18)}${u.slice(19, 23)}${u.slice(24)}`;
};

/**
 * Balances and reservations. Reservations live in memory only, decided synchronously in
 * one JS turn, so 50 concurrent requests can never reserve the same money twice. Charges
 * are written by the group commit (possibly on the writer thread), whose IMMEDIATE
 * transaction reads each balance before moving it, so a concurrent CLI top-up is never
 * overwritten. Memory runs ahead of the table by the charges not yet committed; they are
 * counted in `unlanded`, so a reload from the table never steps back behind them.
 */
export class AccountBook {
  private map = new Map<string, AccountState>();
  /** Charges queued and not yet committed, per account and per key. */
  private readonly unlanded = { accounts: new Map<string, number>(), keys: new Map<string, number>() };

  constructor(private readonly db: Db) {}

  /** What a key spent that the table does not show yet (KeyStore adds it on reload). */
  unlandedForKey(keyId: string): number {
    return this.unlanded.keys.get(keyId) ?? 0;
  }

  private unlandedFor(accountId: string): number {
    return this.unlanded.accounts.get(accountId) ?? 0;
  }

  load(): void {
    const next = new Map<string, AccountState>();
    for (const row of this.db.select().from(accounts).all()) {
      const pending = this.unlandedFor(row.id);
      next.set(row.id, {
        id: row.id,
        name: row.name,
        balance: row.balance - pending,
        used: row.used + pending,
        reserved: this.map.get(row.id)?.reserved ?? 0,
        createdAt: row.createdAt,
      });
    }
    this.map = next;
  }

  get(id: string): AccountState | undefined {
    return this.map.get(id);
  }

  all(): AccountState[] {
    return [...this.map.values()];
  }

  /** What a key may still spend right now: the account's free balance, capped by the key's own limit. */
  available(key: KeyRecord): number {
    const acct = this.map.get(key.accountId);
    if (!acct) return 0;
    const free = acct.balance - acct.reserved;
    if (key.spendLimit === null) return free;
    return Math.min(free, key.spendLimit - key.used - key.reserved);
  }

  hold(key: KeyRecord, amount: number): Hold {
    const acct = this.map.get(key.accountId);
    if (!acct) throw new Error(`account ${key.accountId} not loaded`);
    acct.reserved += amount;
    key.reserved += amount;
    return { accountId: acct.id, keyId: key.id, amount, open: true };
  }

  release(hold: Hold, key: KeyRecord): void {
    if (!hold.open) return;
    hold.open = false;
    const acct = this.map.get(hold.accountId);
    if (acct) acct.reserved -= hold.amount;
    key.reserved -= hold.amount;
  }

  /**
   * Turns a hold into a charge of `cost`. Memory moves now; the returned write (the
   * ledger entry, the account's and key's totals) must be committed in the same entry as
   * the request's log row, and `landed` called once that entry is acknowledged or failed.
   * If the real cost exceeds the hold and the balance cannot cover the excess, the charge
   * is capped at what is free: a balance never goes negative.
   */
  settle(
    hold: Hold,
    key: KeyRecord,
    cost: number,
    ref: { requestId: string; now: number },
  ): { charged: number; write: Write | null; landed: () => void } {
    this.release(hold, key);
    const acct = this.map.get(hold.accountId);
    const none = { charged: 0, write: null, landed: () => {} };
    if (!acct) return none;
    let charged = Math.min(cost, Math.max(0, acct.balance - acct.reserved));
    if (key.spendLimit !== null)
      charged = Math.min(charged, Math.max(0, key.spendLimit - key.used - key.reserved));
    if (charged <= 0) return none;
    acct.balance -= charged;
    acct.used += charged;
    key.used += charged;
    const bump = (m: Map<string, number>, id: string, by: number) => {
      const v = (m.get(id) ?? 0) + by;
      if (v === 0) m.delete(id);
      else m.set(id, v);
    };
    bump(this.unlanded.accounts, acct.id, charged);
    bump(this.unlanded.keys, key.id, charged);
    const write: Write = {
      charge: {
        ledgerId: newId("txn"),
        accountId: acct.id,
        keyId: key.id,
        amount: charged,
        requestId: ref.requestId,
        at: ref.now,
      },
    };
    let done = false;
    const landed = () => {
      if (done) return;
      done = true;
      bump(this.unlanded.accounts, acct.id, -charged);
      bump(this.unlanded.keys, key.id, -charged);
    };
    return { charged, write, landed };
  }

  /** Creates an account with an opening balance (a top-up ledger entry), synchronously. */
  create(input: { name: string; balance: number; configHash?: string | null }, now: number): AccountState {
    const id = newId("acc");
    this.db.transaction(
      (tx) => {
        tx.insert(accounts)
          .values({
            id,
            name: input.name,
            balance: input.balance,
            used: 0,
            configHash: input.configHash ?? null,
            createdAt: now,
          })
          .run();
        if (input.balance !== 0) {
          tx.insert(ledger)
            .values({
              id: newId("txn"),
              accountId: id,
              kind: "topup",
              amount: input.balance,
              balanceAfter: input.balance,
              note: "Opening balance",
              createdAt: now,
            })
            .run();
        }
      },
      { behavior: "immediate" },
    );
    const state: AccountState = {
      id,
      name: input.name,
      balance: input.balance,
      used: 0,
      reserved: 0,
      createdAt: now,
    };
    this.map.set(id, state);
    return state;
  }

  /**
   * Adds a signed amount (top-up, refund or adjustment) synchronously. An adjustment may
   * not take the balance below what is reserved for requests in flight.
   */
  credit(
    accountId: string,
    amount: number,
    kind: Exclude<LedgerKind, "charge">,
    note: string | null,
    now: number,
  ) {
    const acct = this.map.get(accountId);
    if (!acct) return null;
    const entryId = newId("txn");
    const balanceAfter = this.db.transaction(
      (tx) => {
        const row = tx
          .update(accounts)
          .set({ balance: sql`${accounts.balance} + ${amount}` })
          .where(eq(accounts.id, accountId))
          .returning({ balance: accounts.balance })
          .get();
        if (!row) throw new Error("account vanished");
        tx.insert(ledger)
          .values({ id: entryId, accountId, kind, amount, balanceAfter: row.balance, note, createdAt: now })
          .run();
        return row.balance;
      },
      { behavior: "immediate" },
    );
    // The table lacks the charges still on their way to it; memory keeps them.
    acct.balance = balanceAfter - this.unlandedFor(accountId);
    return { entryId, balanceAfter };
  }
}
