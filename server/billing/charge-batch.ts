import type { Database, Statement } from "bun:sqlite";

type AccountDelta = { balance: number; used: number };
type KeyDelta = { used: number; lastUsedAt: number };
type Mark = { accounts: Map<string, AccountDelta>; keys: Map<string, KeyDelta> };

/**
 * The account and key rows of one group commit, written once per batch instead of once
 * per request. Inside the batch's IMMEDIATE transaction no other writer can move a
 * balance, so it is read once, each charge's `balance_after` is computed in order, and the
 * final balance and the summed spend are written at the end. A key's spend and last use
 * likewise. (Per request this leaves two inserts: the ledger entry and the log row.)
 */
export class ChargeBatch {
  private accounts = new Map<string, AccountDelta>();
  private keys = new Map<string, KeyDelta>();
  private statements: { readBalance: Statement; writeAccount: Statement; writeKey: Statement } | null = null;

  constructor(private readonly sqlite: Database) {}

  /** Prepared on first use: a database without billing tables may still run other writes. */
  private get s() {
    this.statements ??= {
      readBalance: this.sqlite.prepare("SELECT balance FROM accounts WHERE id = ?"),
      writeAccount: this.sqlite.prepare("UPDATE accounts SET balance = ?1, used = used + ?2 WHERE id = ?3"),
      writeKey: this.sqlite.prepare(
        "UPDATE api_keys SET used = used + ?1, last_used_at = max(coalesce(last_used_at, 0), ?2) WHERE id = ?3",
      ),
    };
    return this.statements;
  }

  /** Debits an account inside the batch; returns its balance after this charge. */
  debit(accountId: string, amount: number): number {
    let a = this.accounts.get(accountId);
    if (!a) {
      const row = this.s.readBalance.get(accountId) as { balance: number } | null;
      if (!row) throw new Error(`account ${accountId} vanished`);
      a = { balance: row.balance, used: 0 };
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
    for (const [id, a] of this.accounts) if (a.used !== 0) this.s.writeAccount.run(a.balance, a.used, id);
    for (const [id, k] of this.keys) this.s.writeKey.run(k.used, k.lastUsedAt, id);
    this.accounts = new Map();
    this.keys = new Map();
  }
}
