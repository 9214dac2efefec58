import type { Database, Statement } from "bun:sqlite";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, ledger } from "../../db/schema/index.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { WriteOp } from "../store/group-commit.ts";
import { ChargeBatch } from "./charge-batch.ts";

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
 * one JS turn, so 50 concurrent requests can never reserve the same money twice; charges
 * are written through the group commit, whose IMMEDIATE transaction reads each balance
 * before moving it, so a concurrent CLI top-up is never overwritten.
 */
export class AccountBook {
  private map = new Map<string, AccountState>();
  private readonly insertLedger: Statement;
  /** Account and key rows are written once per group commit (see charge-batch.ts). */
  readonly batch: ChargeBatch;

  constructor(
    private readonly db: Db,
    sqlite: Database,
    private readonly flushWrites: () => void,
  ) {
    this.insertLedger = sqlite.prepare(
      "INSERT INTO ledger (id, account_id, kind, amount, balance_after, key_id, request_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.batch = new ChargeBatch(sqlite);
  }

  load(): void {
    this.flushWrites();
    const next = new Map<string, AccountState>();
    for (const row of this.db.select().from(accounts).all()) {
      next.set(row.id, {
        id: row.id,
        name: row.name,
        balance: row.balance,
        used: row.used,
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
   * Turns a hold into a charge of `cost`. Memory moves now; the returned op writes the
   * account, key and ledger rows and must run in the same group commit as the request's
   * log row. If the real cost exceeds the hold and the balance cannot cover the excess,
   * the charge is capped at what is free: a balance never goes negative.
   */
  settle(
    hold: Hold,
    key: KeyRecord,
    cost: number,
    ref: { requestId: string; now: number },
  ): { charged: number; op: WriteOp | null } {
    this.release(hold, key);
    const acct = this.map.get(hold.accountId);
    if (!acct) return { charged: 0, op: null };
    let charged = Math.min(cost, Math.max(0, acct.balance - acct.reserved));
    if (key.spendLimit !== null)
      charged = Math.min(charged, Math.max(0, key.spendLimit - key.used - key.reserved));
    if (charged <= 0) return { charged: 0, op: null };
    acct.balance -= charged;
    acct.used += charged;
    key.used += charged;
    const op: WriteOp = () => {
      const balanceAfter = this.batch.debit(acct.id, charged);
      this.insertLedger.run(
        newId("txn"),
        acct.id,
        "charge",
        -charged,
        balanceAfter,
        key.id,
        ref.requestId,
        null,
        ref.now,
      );
      this.batch.keyUse(key.id, charged, ref.now);
    };
    return { charged, op };
  }

  /** Creates an account with an opening balance (a top-up ledger entry), synchronously. */
  create(input: { name: string; balance: number; configHash?: string | null }, now: number): AccountState {
    this.flushWrites();
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
    this.flushWrites();
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
    acct.balance = balanceAfter;
    return { entryId, balanceAfter };
  }
}
