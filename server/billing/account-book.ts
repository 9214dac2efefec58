import type { AccountRow } from "../../db/queries/billing.ts";
import type { Store } from "../../db/store.ts";
import { newId } from "../core/ids.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { PendingAdmission } from "../limits/admission.ts";
import type { Committed, Write } from "../store/writes.ts";
import { limitSpent } from "./budget-period.ts";
import { divideDown, multiplyUp, PPM } from "./multiplier.ts";

export type AccountState = {
  id: string;
  name: string;
  balance: number;
  used: number;
  /** Sum of open reservations (memory only: a restart leaves none hanging). */
  reserved: number;
  status: "active" | "suspended";
  /** Below this balance the account is running low (listed, alerted); null: never. */
  lowBalanceThreshold: number | null;
  createdAt: number;
};

/** Money held for one call; `id` names it in Redis when replicas share the holds (ClusterBook). */
export type Hold = { accountId: string; keyId: string; amount: number; open: boolean; id?: string };

/**
 * A settlement as the book decided it: the write to commit with the request's row, `revert`
 * if that commit fails, and `committed` to call once it succeeded, with what the commit
 * returned (ClusterBook releases its hold there, with PostgreSQL's values).
 */
export type Settling = {
  charged: number;
  write: Write | null;
  revert: () => void;
  /** Returns what PostgreSQL really charged when it capped the charge (the row's cost then). */
  committed?: (c: Committed) => number | undefined;
};

export type LedgerKind = "topup" | "charge" | "refund" | "adjustment" | "fee";

const state = (row: AccountRow, reserved: number): AccountState => ({
  id: row.id,
  name: row.name,
  balance: row.balance,
  used: row.used,
  reserved,
  status: row.status,
  lowBalanceThreshold: row.lowBalanceThreshold,
  createdAt: row.createdAt,
});

/**
 * Balances and reservations, with this process as the authority on its money. Reservations
 * live in memory only, decided synchronously in one JS turn, so 50 concurrent requests can
 * never reserve the same money twice. A charge moves memory at once and reaches the table
 * through the group commit (whose IMMEDIATE transaction reads each balance before moving
 * it); a charge whose write fails is reverted in memory. What another process changed
 * (the CLI's top-ups, adjustments and new accounts) arrives as ledger rows, applied by
 * `refresh` as deltas: memory never steps back behind charges still on their way.
 */
export class AccountBook {
  private map = new Map<string, AccountState>();
  /** Ledger rows this process wrote itself (top-ups, opening balances): a refresh skips them. */
  private readonly own = new Set<string>();
  /** Where in the ledger's commit order the last refresh stopped. */
  private lastLedgerPosition = 0;
  private loaded = false;
  /**
   * An account's price multiplier in millionths (its plan's; list prices by default).
   * Applied here, where money is reserved and charged, so every route and fallback pays it:
   * what is free is divided by it for planning, holds and charges are multiplied by it.
   */
  multiplier: (accountId: string) => number = () => PPM;
  /**
   * Told after a balance moved in memory (a charge: with its key; a credit: without), for
   * alerts. Must not throw: a charge has already happened.
   */
  onMoved: ((acct: AccountState, key: KeyRecord | null, now: number) => void) | null = null;

  constructor(protected readonly store: Store) {}

  /** Everything from the table: at start, before any charge is in flight. */
  async load(): Promise<void> {
    const { rows, position } = await this.store.accounts.snapshot(null);
    const next = new Map<string, AccountState>();
    for (const row of rows) next.set(row.id, state(row, this.map.get(row.id)?.reserved ?? 0));
    this.map = next;
    this.lastLedgerPosition = position;
    this.own.clear();
    this.loaded = true;
  }

  /**
   * Picks up another process's changes: its ledger rows since the last look (charges are
   * only ever this process's own) as deltas on memory, and accounts it created.
   */
  async refresh(): Promise<void> {
    if (!this.loaded) return this.load();
    const { rows, moves } = await this.store.accounts.snapshot(
      this.followsLedger ? this.lastLedgerPosition : null,
    );
    for (const r of moves) {
      // Two refreshes in flight read overlapping moves: each is applied once.
      if (r.position <= this.lastLedgerPosition) continue;
      this.lastLedgerPosition = r.position;
      if (this.own.delete(r.id) || r.kind === "charge") continue;
      const acct = this.map.get(r.accountId);
      if (acct) acct.balance += r.amount;
    }
    for (const row of rows) {
      const known = this.map.get(row.id);
      // New to this process: the table's balance already holds its ledger so far.
      if (!known) this.map.set(row.id, state(row, 0));
      else this.fromTable(known, row);
    }
  }

  /**
   * Whether `refresh` applies other processes' ledger entries as deltas (this process is the
   * authority on its balances, and memory may be ahead of the table); ClusterBook's is not.
   */
  protected readonly followsLedger: boolean = true;

  /** What a refresh takes from the table for a known account (the object stays: callers hold it). */
  protected fromTable(known: AccountState, row: AccountRow): void {
    Object.assign(known, { status: row.status, lowBalanceThreshold: row.lowBalanceThreshold });
  }

  get(id: string): AccountState | undefined {
    return this.map.get(id);
  }

  all(): AccountState[] {
    return [...this.map.values()];
  }

  /**
   * What a key may still spend right now at list prices: the account's free balance, capped
   * by the key's own limit, divided by the account's multiplier.
   */
  available(key: KeyRecord): number {
    const h = this.headroom(key);
    return divideDown(
      h.key === null ? h.account : Math.min(h.account, h.key),
      this.multiplier(key.accountId),
    );
  }

  /** The two limits apart: the account's free balance, and what the key's own limit leaves (null: none). */
  headroom(key: KeyRecord): { account: number; key: number | null } {
    const acct = this.map.get(key.accountId);
    const account = acct ? acct.balance - acct.reserved : 0;
    return { account, key: key.spendLimit === null ? null : key.spendLimit - limitSpent(key) - key.reserved };
  }

  /**
   * A call's reservation: `hold` here, decided in this JS turn; ClusterBook's answer is a
   * promise (Redis decides), so the caller awaits only what is one and SQLite stays synchronous.
   * `rate`: windows to decide with the hold (replicas only; one box admits before the body).
   */
  reserve(key: KeyRecord, listAmount: number, _rate?: PendingAdmission): Hold | Promise<Hold> {
    return this.hold(key, listAmount);
  }

  /** Reserves `amount` at list prices (the multiplied amount is held). */
  hold(key: KeyRecord, listAmount: number): Hold {
    const acct = this.map.get(key.accountId);
    if (!acct) throw new Error(`account ${key.accountId} not loaded`);
    const amount = multiplyUp(listAmount, this.multiplier(key.accountId));
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
   * Turns a hold into a charge of `cost` (at list prices: the account's multiplier
   * applies). Memory moves now; the returned write (the ledger entry, the account's and
   * key's totals) must be committed in the same entry as the request's log row, and
   * `revert` called if that entry fails.
   * If the real cost exceeds the hold and the balance cannot cover the excess, the charge
   * is capped at what is free: a balance never goes negative.
   */
  settle(hold: Hold, key: KeyRecord, cost: number, ref: { requestId: string; now: number }): Settling {
    this.release(hold, key);
    const acct = this.map.get(hold.accountId);
    const none = { charged: 0, write: null, revert: () => {} };
    if (!acct) return none;
    let charged = Math.min(
      multiplyUp(cost, this.multiplier(acct.id)),
      Math.max(0, acct.balance - acct.reserved),
    );
    if (key.spendLimit !== null)
      charged = Math.min(charged, Math.max(0, key.spendLimit - limitSpent(key) - key.reserved));
    if (charged <= 0) return none;
    acct.balance -= charged;
    acct.used += charged;
    key.used += charged;
    key.periodUsed += charged;
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
    this.onMoved?.(acct, key, ref.now);
    let reverted = false;
    const revert = () => {
      if (reverted) return;
      reverted = true;
      acct.balance += charged;
      acct.used -= charged;
      key.used -= charged;
      key.periodUsed -= charged;
    };
    return { charged, write, revert };
  }

  /** Suspends or resumes an account, or sets its low-balance threshold; null for an unknown id. */
  async update(
    id: string,
    set: Partial<Pick<AccountState, "status" | "lowBalanceThreshold">>,
  ): Promise<AccountState | null> {
    const acct = this.map.get(id);
    if (!acct || !(await this.store.accounts.update(id, set))) return null;
    return Object.assign(acct, set);
  }

  /**
   * Creates an account with an opening balance (a top-up ledger entry), in one transaction.
   * An `id` given (one derived from what the account is for) is refused by the table's key
   * if another process made that account first.
   */
  async create(
    input: { id?: string; name: string; balance: number; configHash?: string | null },
    now: number,
  ): Promise<AccountState> {
    const id = input.id ?? newId("acc");
    const opening = newId("txn");
    // Marked before the write: a refresh that reads the entry must not add it again.
    if (input.balance !== 0) this.own.add(opening);
    await this.store.accounts.insert(
      {
        id,
        name: input.name,
        balance: input.balance,
        used: 0,
        configHash: input.configHash ?? null,
        status: "active",
        lowBalanceThreshold: null,
        createdAt: now,
      },
      input.balance !== 0 ? { id: opening, note: "Opening balance" } : null,
    );
    const state: AccountState = {
      id,
      name: input.name,
      balance: input.balance,
      used: 0,
      reserved: 0,
      status: "active",
      lowBalanceThreshold: null,
      createdAt: now,
    };
    this.map.set(id, state);
    return state;
  }

  /**
   * Adds a signed amount (top-up, refund, adjustment or a plan's fee) through the Store.
   * Memory moves before the write starts, in the caller's own turn, so a caller that checked
   * the free balance and then awaits this cannot lose that money to a reservation made
   * meanwhile; a write that fails moves it back and rejects. Null (at once) for an unknown
   * account. On SQLite the write has already happened when this returns (the Store's SQLite
   * promises settle synchronously underneath), so a caller on the request path may leave it
   * unawaited there and only handle its failure.
   */
  credit(
    accountId: string,
    amount: number,
    kind: Exclude<LedgerKind, "charge">,
    note: string | null,
    now: number,
  ): Promise<{ entryId: string; balanceAfter: number }> | null {
    const acct = this.map.get(accountId);
    if (!acct) return null;
    const entryId = newId("txn");
    // Before the write: a refresh that sees the row while it commits skips it.
    this.own.add(entryId);
    // Memory moves by the amount: the table may lack charges still on their way to it.
    acct.balance += amount;
    const undo = (err: unknown): never => {
      acct.balance -= amount;
      this.own.delete(entryId);
      throw err;
    };
    return this.store.accounts
      .credit({ id: entryId, accountId, kind, amount, note, createdAt: now })
      .then((balanceAfter) => {
        if (balanceAfter === undefined) return undo(new Error("account vanished"));
        this.onMoved?.(acct, null, now);
        return { entryId, balanceAfter };
      }, undo);
  }
}
