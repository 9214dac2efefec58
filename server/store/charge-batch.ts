import type { ChargeStatements } from "../../db/queries/billing.ts";
import type { RequestLogRow } from "../../db/queries/requests.ts";
import type { Charge } from "./writes.ts";

type AccountDelta = { balance: number; used: number };
type KeyDelta = { used: number; lastUsedAt: number };
type Mark = { accounts: Map<string, AccountDelta>; keys: Map<string, KeyDelta> };

/**
 * The account and key rows of one group commit, written once per batch instead of once
 * per request. Inside the batch's IMMEDIATE transaction no other writer can move a
 * balance, so it is read once, each charge's `balance_after` is computed in order, and the
 * final balance and the summed spend are written at the end. A key's spend and last use
 * likewise. A charge rides on its request's log row (`onLogRow`): one insert per charged
 * request, the ledger reads it through its view (db/schema/ledger.ts). Only a charge
 * without its log row in the entry is an entry of ledger_entries. Positions in the
 * ledger's commit order are counted from one read per batch. The statements are the
 * schema's (db/queries/billing.ts).
 */
export class ChargeBatch {
  private accounts = new Map<string, AccountDelta>();
  private keys = new Map<string, KeyDelta>();
  /** The next position in the ledger's commit order, read on the batch's first charge. */
  private next: number | null = null;

  constructor(private readonly s: ChargeStatements) {}

  /** The request's log row carrying its charge (`logRowCarries`), balance_after computed in the batch. */
  onLogRow(c: Charge, row: RequestLogRow): RequestLogRow {
    const balanceAfter = this.debit(c.accountId, c.amount);
    this.keyUse(c.keyId, c.amount, c.at);
    return { ...row, ledgerId: c.ledgerId, balanceAfter, chargedAt: c.at, position: this.position() };
  }

  /** Writes the charge as an entry of ledger_entries (no log row of its own in the entry). */
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
      position: this.position(),
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

  /** Positions only go forward: one an entry rolled back took is a gap, never reused. */
  private position(): number {
    const p = this.next ?? this.s.nextPosition();
    this.next = p + 1;
    return p;
  }

  begin(): void {
    this.accounts = new Map();
    this.keys = new Map();
    this.next = null;
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
