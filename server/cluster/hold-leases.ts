import { GatewayError } from "../errors.ts";
import type { ClusterHolds } from "./holds.ts";

/** One of this replica's holds in Redis, while its call runs. */
export type OpenHold = { id: string; accountId: string; keyId: string; amount: number; lost?: boolean };

/** A reservation refused while this replica puts its holds back into a restarted Redis. */
export const recovering = () =>
  new GatewayError(
    "unavailable",
    "Your balance cannot be checked right now (shared state recovering after a restart); retry shortly.",
    { code: "shared_state_unavailable", headers: { "retry-after": "1" } },
  );

/**
 * This replica's open holds in Redis, kept alive and recovered (docs/scale-out.md, "Money
 * holds"). Every tick (a third of the lease, at most a second) it renews them, one script
 * per account with open holds, so a live call's hold never expires while a dead replica's
 * does within one lease; a hold Redis no longer has is counted as lost (its call goes on,
 * its charge still capped by PostgreSQL). The tick also reads Redis's run id: when it
 * changed, Redis restarted and lost every hold and mirror, so reservations are refused
 * (retryable 503) for two ticks while every live replica puts its own holds back; the
 * mirrors reload from PostgreSQL on their first use.
 */
export class HoldLeases {
  private readonly open = new Map<string, OpenHold>();
  private runId: string | null = null;
  /** The new run id being recovered into (counted as one restart however many tries it takes). */
  private recoveringFrom: string | null = null;
  private checking: Promise<boolean> | null = null;
  private recoveringUntil = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly counts = { leaseLost: 0, restarts: 0, reposted: 0 };
  readonly tickMs: number;

  constructor(
    private readonly holds: ClusterHolds,
    /** Loads an account's and a key's mirror from PostgreSQL (before holds are put back). */
    private readonly loadMirror: (accountId: string, keyId: string) => Promise<void>,
    tickMs?: number,
  ) {
    this.tickMs = tickMs ?? Math.min(1000, Math.floor(holds.leaseMs / 3));
  }

  add(hold: OpenHold): void {
    this.open.set(hold.id, hold);
  }

  /** The hold ended (released or settled); returns it, or undefined if it was not open. */
  remove(id: string): OpenHold | undefined {
    const hold = this.open.get(id);
    this.open.delete(id);
    return hold;
  }

  get size(): number {
    return this.open.size;
  }

  /** Throws the retryable 503 while this replica recovers from a Redis restart. */
  assertServing(): void {
    if (Date.now() < this.recoveringUntil) throw recovering();
  }

  /** A hold Redis did not have when it was released: its lease ran out first (counted once). */
  lostOnRelease(hold: OpenHold): void {
    if (!hold.lost) this.counts.leaseLost++;
    hold.lost = true;
  }

  start(): void {
    if (this.timer) return;
    void this.restarted().catch(() => {});
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.tickMs);
    this.timer.unref?.();
  }

  /** Stops renewing (shutdown; a test's killed replica): the holds left open expire with their lease. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    if (await this.restarted()) return;
    await this.renew();
  }

  /**
   * Whether Redis restarted since the last look (its run id changed); if so, starts the
   * recovery window and puts this replica's holds back. Concurrent callers share one look.
   */
  restarted(): Promise<boolean> {
    this.checking ??= this.look().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async look(): Promise<boolean> {
    const id = await this.holds.runId();
    if (this.runId === null) this.runId = id;
    if (id === this.runId) return false;
    if (id !== this.recoveringFrom) this.counts.restarts++;
    this.recoveringFrom = id;
    this.recoveringUntil = Date.now() + 2 * this.tickMs;
    const holds = [...this.open.values()];
    const pairs = new Map(holds.map((h) => [`${h.accountId}\n${h.keyId}`, h]));
    for (const h of pairs.values()) await this.loadMirror(h.accountId, h.keyId);
    for (const h of holds) {
      // Settled and released while the mirrors loaded: putting it back would hold its money
      // until its lease ran out (a release sent after the repost, on the same connection, still ends it).
      if (!this.open.has(h.id)) continue;
      if (await this.holds.repost(h.accountId, h.keyId, h.id, h.amount)) this.counts.reposted++;
    }
    // Only now: a recovery that failed half-way (PostgreSQL away for a mirror) is tried again
    // by the next look, its window starting again (reservations stay refused meanwhile).
    this.runId = id;
    return true;
  }

  /** One renewal per account with open holds, sent together (Bun pipelines them). */
  private async renew(): Promise<void> {
    const byAccount = new Map<string, string[]>();
    for (const h of this.open.values()) {
      if (h.lost) continue;
      const ids = byAccount.get(h.accountId) ?? [];
      ids.push(h.id);
      byAccount.set(h.accountId, ids);
    }
    await Promise.all(
      [...byAccount].map(async ([accountId, ids]) => {
        if ((await this.holds.renew(accountId, ids)) === ids.length) return;
        for (const id of await this.holds.gone(accountId, ids)) {
          const hold = this.open.get(id);
          if (hold && !hold.lost) {
            hold.lost = true;
            this.counts.leaseLost++;
          }
        }
      }),
    );
  }
}
