import type { ChargeStatements } from "../../db/queries/billing.ts";
import type { Charge } from "./writes.ts";

type AccountDelta = { balance: number; used: number };
type KeyDelta = { used: number; lastUsedAt: number };
type Mark = { accounts: Map<string, AccountDelta>; keys: Map<string, KeyDelta> };

/**
 * The account and key rows of one group commit, written once per batch instead of once
 * per request. Inside the batch's IMMEDIATE transaction no other writer can move a
 * balance, so it is read once, each charge's `balance_after` is computed in order, and the
 * final balance and the summed spend are written at the end. A key's spend and last use
 * likewise. (Per request this leaves two inserts: the ledger entry and the log row.)
 * The statements are the schema's (db/queries/billing.ts).
 */
export class ChargeBatch {
  private accounts = new Map<string, AccountDelta>();
  private keys = new Map<string, KeyDelta>();

  constructor(private readonly s: ChargeStatements) {}

  /** Writes the charge's ledger entry, its balance_after computed in the batch. */
  charge(c: Charge): void {
    const balanceAfter = this.debit(c.accountId, c.amount);
    this.s.insertLedger({
      id: c.ledgerId,
      accountId: c.accountId,
      kind: "charge",
      amount: -c.amount,
      balanceAfter,
      keyId: c.keyId,
      requestId: c.requestId,
      note: null,
      createdAt: c.at,
    });
    this.keyUse(c.keyId, c.amount, c.at);
  }

  /** Debits an account inside the batch; returns its balance after this charge. */
  debit(accountId: string, amount: number): number {
    let a = this.accounts.get(accountId);
    if (!a) {
      const balance = this.s.balance(accountId);
      if (balance === undefined) throw new Error(`account ${accountId} vanished`);
      a = { balance, used: 0 };
      this.accounts.set(accountId, a);
    }
    a.balance -= amount;
    a.used += amount;
    return a.balance;
  }

  /** Adds to a key's spend and moves its last use forward. */
  keyUse(keyId: string, amount: number, at: number): void {
    const k = this.keys.get(keyId);
    if (k) {
      k.used += amount;
      k.lastUsedAt = Math.max(k.lastUsedAt, at);
    } else this.keys.set(keyId, { used: amount, lastUsedAt: at });
  }

  begin(): void {
    this.accounts = new Map();
    this.keys = new Map();
  }

  mark(): Mark {
    const copy = <T extends object>(m: Map<string, T>) => new Map([...m].map(([k, v]) => [k, { ...v }]));
    return { accounts: copy(this.accounts), keys: copy(this.keys) };
  }

  undo(mark: unknown): void {
    const m = mark as Mark;
    this.accounts = m.accounts;
    this.keys = m.keys;
  }

  end(): void {
    for (const [id, a] of this.accounts) if (a.used !== 0) this.s.saveAccount(id, a.balance, a.used);
    for (const [id, k] of this.keys) this.s.saveKey(id, k.used, k.lastUsedAt);
    this.accounts = new Map();
    this.keys = new Map();
  }
}
