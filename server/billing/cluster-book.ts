import type { AccountRow } from "../../db/queries/billing.ts";
import type { Store } from "../../db/store.ts";
import { HoldLeases, type OpenHold } from "../cluster/hold-leases.ts";
import type { ClusterHolds } from "../cluster/holds.ts";
import { ReleaseQueue } from "../cluster/release-queue.ts";
import { shared } from "../cluster/unreachable.ts";
import { newId } from "../core/ids.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { PendingAdmission } from "../limits/admission.ts";
import type { Committed, SettledCharge } from "../store/writes.ts";
import { AccountBook, type AccountState, type Hold, type LedgerKind, type Settling } from "./account-book.ts";
import { periodStart } from "./budget-period.ts";
import { divideDown, multiplyUp } from "./multiplier.ts";

/** Between a key's id and its budget period's start in the name of the period's hash in Redis. */
const PERIOD = "@";
/** A period's hash outlives the longest period (a month) by a few days, then goes. */
const PERIOD_HASH_TTL_MS = 35 * 86_400_000;

/** What PostgreSQL holds for the mirror: the account's balance and version, the key's spend. */
export type MirrorSource = {
  /** The account's and the key's committed values; undefined when either is not there. */
  state(
    accountId: string,
    keyId: string,
  ): Promise<{ balance: number; version: number; keyUsed: number } | undefined>;
  /** The account's balance and version alone (after a top-up). */
  account(accountId: string): Promise<{ balance: number; version: number } | undefined>;
};

/**
 * Redis refused a hold: other replicas' holds (or charges this replica has not seen yet)
 * leave less than was asked. `available` is what is free at list prices, to plan the call
 * again on (the max-tokens clamp); `headroom` names the limit for the refusal's message.
 */
export class HoldRefused extends Error {
  constructor(
    readonly which: "account" | "key",
    /** What Redis said is free, in the account's money. */
    readonly free: number,
    /** The same at list prices, capped by what this replica sees. */
    readonly available: number,
  ) {
    super(`hold refused: the ${which} has ${free} free`);
    this.name = "HoldRefused";
  }

  get headroom(): { account: number; key: number | null } {
    return this.which === "key"
      ? { account: Number.MAX_SAFE_INTEGER, key: this.free }
      : { account: this.free, key: null };
  }
}

/**
 * The account book when several replicas share one PostgreSQL and one Redis
 * (docs/scale-out.md, "Money holds"). Memory is no longer the authority: each hold is
 * admitted by Redis against the balance less every replica's open holds (ClusterHolds),
 * each charge is capped by PostgreSQL (tollgate_settle) and releases its hold only after
 * its commit, moving the Redis mirror to the balance that commit returned. What this book
 * keeps in memory (the balances as last seen, this replica's own holds) only plans a call:
 * how much to ask Redis for, and how far to clamp max_tokens.
 */
export class ClusterBook extends AccountBook {
  readonly leases: HoldLeases;
  /** Holds ended in one turn (a group commit's batch) go to Redis in one script. */
  readonly releases: ReleaseQueue;
  /** The newest PostgreSQL version seen per account: an older answer never moves memory back. */
  private readonly versions = new Map<string, number>();

  constructor(
    store: Store,
    private readonly holds: ClusterHolds,
    private readonly pg: MirrorSource,
    tickMs?: number,
  ) {
    super(store);
    this.leases = new HoldLeases(holds, (a, k) => this.loadMirror(a, k), tickMs);
    this.releases = new ReleaseQueue(holds);
  }

  private refresher: ReturnType<typeof setInterval> | undefined;
  private refreshing = false;

  /**
   * Starts renewing this replica's holds and watching for a Redis restart, and takes the
   * balances from PostgreSQL every second: other replicas' charges reach this replica's
   * figures (admin and portal views, alerts, the balance gauge) within a second. Holds are
   * decided in Redis, never from these figures.
   */
  start(): void {
    this.leases.start();
    this.refresher = setInterval(() => {
      if (this.refreshing) return;
      this.refreshing = true;
      this.refresh()
        .catch(() => {})
        .finally(() => {
          this.refreshing = false;
        });
    }, 1000);
    this.refresher.unref?.();
  }

  stop(): void {
    this.leases.stop();
    if (this.refresher) clearInterval(this.refresher);
  }

  /** A refresh takes balances as PostgreSQL has them, not ledger deltas: this replica's memory is never ahead of the table. */
  protected override readonly followsLedger = false;

  protected override fromTable(known: AccountState, row: AccountRow): void {
    super.fromTable(known, row);
    known.balance = row.balance;
    known.used = row.used;
  }

  override hold(): Hold {
    throw new Error("a replica's holds are made in Redis: use reserve()");
  }

  /**
   * `rate`: a priced call's rate windows, decided in the same script as its first hold
   * (one round trip): a window that refuses throws its 429 and nothing is held; a refusal
   * for money counts nothing in the windows (the next reservation carries them again).
   */
  override reserve(key: KeyRecord, listAmount: number, rate?: PendingAdmission): Promise<Hold> {
    return this.reserveShared(key, multiplyUp(listAmount, this.multiplier(key.accountId)), rate);
  }

  private async reserveShared(key: KeyRecord, amount: number, rate?: PendingAdmission): Promise<Hold> {
    this.leases.assertServing();
    const id = newId("hold");
    const sharedKey = this.sharedKey(key, Date.now());
    const windows = rate?.open ? rate : undefined;
    if (windows) windows.tried = true;
    const ask = () =>
      shared("Your balance", () =>
        this.holds.reserve(key.accountId, sharedKey, amount, id, key.spendLimit, windows?.windows),
      );
    let r = await ask();
    if (!r.ok && "missing" in r) {
      // A mirror is missing: a first use, or Redis restarted and lost them all (then recover first).
      if (await shared("Your balance", () => this.leases.restarted())) this.leases.assertServing();
      await shared("Your balance", () => this.loadMirror(key.accountId, sharedKey));
      r = await ask();
    }
    if ("limited" in r) {
      windows?.decide(r.limited); // throws the window's 429
      throw new Error("a rate window refused a hold that carried none");
    }
    if (r.ok && windows) windows.decide(r.windows);
    if (!r.ok) {
      if ("missing" in r) throw new Error(`account ${key.accountId} or key ${key.id} is not in the books`);
      const available = Math.min(divideDown(r.free, this.multiplier(key.accountId)), this.available(key));
      throw new HoldRefused(r.refused, r.free, Math.max(0, available));
    }
    const hold: Hold = { accountId: key.accountId, keyId: key.id, amount, open: true, id };
    this.leases.add({ id, accountId: key.accountId, keyId: sharedKey, amount });
    const acct = this.get(key.accountId);
    if (acct) acct.reserved += amount;
    key.reserved += amount;
    return hold;
  }

  /**
   * The key's hash in Redis: its id, or for a limit per budget period its id and the
   * period's start (`key@start`), a hash per period counting the spend since it began, so
   * every replica checks the same period's spend (docs/scale-out.md).
   */
  private sharedKey(key: KeyRecord, now: number): string {
    return key.budgetPeriod === null ? key.id : `${key.id}${PERIOD}${periodStart(key.budgetPeriod, now)}`;
  }

  /** Loads the account's and the key's mirror from PostgreSQL (a period's hash: the key's charges since it began). */
  private async loadMirror(accountId: string, sharedKey: string): Promise<void> {
    const [keyId = sharedKey, start] = sharedKey.split(PERIOD);
    const s = await this.pg.state(accountId, keyId);
    if (!s) return;
    // The key's limit arrives with each reservation (this replica's view of it).
    if (start === undefined) return this.holds.mirror(accountId, keyId, { ...s, keyLimit: null });
    const spent = await this.store.ledger.keyChargedSince(accountId, keyId, Number(start));
    await this.holds.mirror(
      accountId,
      sharedKey,
      { ...s, keyUsed: spent, keyLimit: null },
      PERIOD_HASH_TTL_MS,
    );
  }

  /** Ends a hold that will not be charged; Redis is told in the background (a lost message is a hold that expires). */
  override release(hold: Hold, key: KeyRecord): void {
    const open = this.close(hold, key);
    if (open) this.releases.push({ accountId: hold.accountId, keyId: open.keyId, holdId: open.id }, () => {});
  }

  private close(hold: Hold, key: KeyRecord): OpenHold | undefined {
    if (!hold.open) return undefined;
    hold.open = false;
    const acct = this.get(hold.accountId);
    if (acct) acct.reserved -= hold.amount;
    key.reserved -= hold.amount;
    return hold.id === undefined ? undefined : this.leases.remove(hold.id);
  }

  /**
   * The charge is the cost at the account's prices; PostgreSQL caps it at what the balance
   * and the key's limit leave when it commits. The hold stays open until then: released by
   * `committed` with the values the commit returned, or by the caller if the commit failed.
   */
  override settle(
    hold: Hold,
    key: KeyRecord,
    cost: number,
    ref: { requestId: string; now: number },
  ): Settling {
    const charged = Math.max(0, multiplyUp(cost, this.multiplier(hold.accountId)));
    const committed = (c: Committed) => this.committed(hold, key, c, ref.now);
    if (charged === 0) return { charged: 0, write: null, revert: () => {}, committed };
    const write = {
      charge: {
        ledgerId: newId("txn"),
        accountId: hold.accountId,
        keyId: key.id,
        amount: charged,
        requestId: ref.requestId,
        at: ref.now,
      },
    };
    // Nothing moved in memory before the commit: nothing to revert.
    return { charged, write, revert: () => {}, committed };
  }

  private committed(hold: Hold, key: KeyRecord, c: Committed, now: number): number | undefined {
    const open = this.close(hold, key);
    const settled = c?.settled.find((s) => s.accountId === hold.accountId);
    if (settled) {
      key.used = Math.max(key.used, settled.keyUsed);
      key.periodUsed += settled.charged;
      const acct = this.get(hold.accountId);
      if (acct && settled.version > (this.versions.get(acct.id) ?? -1)) {
        this.versions.set(acct.id, settled.version);
        acct.balance = settled.balance;
      }
      if (acct) {
        acct.used += settled.charged;
        this.onMoved?.(acct, key, now);
      }
    }
    if (open) this.end(hold, open, settled);
    return settled?.charged;
  }

  /**
   * Releases a settled hold in Redis with what PostgreSQL returned (the mirror moves to it
   * if newer), after its commit: queued with the rest of its batch, one script for all.
   */
  private end(hold: Hold, open: OpenHold, settled: SettledCharge | undefined): void {
    // A period's hash counts the period's spend: the charge adds itself (PostgreSQL returns the lifetime spend).
    const perPeriod = open.keyId !== hold.keyId;
    const after = settled && {
      balance: settled.balance,
      version: settled.version,
      ...(perPeriod ? { keyCharged: settled.charged } : { keyUsed: settled.keyUsed }),
    };
    this.releases.push({ accountId: hold.accountId, keyId: open.keyId, holdId: open.id, after }, () =>
      this.leases.lostOnRelease(open),
    );
  }

  /** A top-up or an adjustment: committed in PostgreSQL, then the Redis mirror moves to the new balance. */
  override credit(
    accountId: string,
    amount: number,
    kind: Exclude<LedgerKind, "charge">,
    note: string | null,
    now: number,
  ): Promise<{ entryId: string; balanceAfter: number }> | null {
    const done = super.credit(accountId, amount, kind, note, now);
    return (
      done?.then(async (r) => {
        await this.syncAccount(accountId).catch(() => {
          // Redis away: the mirror is reloaded whole when Redis comes back (it will have lost it),
          // or moved by the next charge's release; the credit itself is committed.
        });
        return r;
      }) ?? null
    );
  }

  private async syncAccount(accountId: string): Promise<void> {
    const a = await this.pg.account(accountId);
    if (a) await this.holds.account(accountId, a.balance, a.version);
  }
}
