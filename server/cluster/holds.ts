import type { RedisClient } from "bun";
import { REDIS_DEADLINE_MS, RedisScript, withDeadline } from "./redis-script.ts";
import { ACCOUNT, MIRROR, RELEASE, RELEASE_MANY, RENEW, REPOST, RESERVE } from "./scripts.ts";

/** What PostgreSQL holds for an account and a key: the mirror is loaded from it. */
export type MirrorState = { balance: number; version: number; keyUsed: number; keyLimit: number | null };

/** What PostgreSQL returned for a settled hold's charge (absent: the call was not charged). */
export type Settled = { balance: number; version: number; keyUsed?: number; keyCharged?: number };

/** A hold to end: its account, its key's hash in Redis, its id, and what its commit returned. */
export type Release = { accountId: string; keyId: string; holdId: string; after?: Settled };

export type Reserved =
  | { ok: true; holdId: string; accountFree: number; keyFree: number | null; windows?: unknown }
  | { ok: false; refused: "account" | "key"; free: number }
  | { ok: false; missing: "account" | "key" }
  /** A rate window refused (windows given): nothing held, nothing counted. */
  | { ok: false; limited: unknown };

/** Rate windows decided with a hold (server/cluster/rate-windows.ts `plan`): their Redis keys and arguments. */
export type Windows = { keys: string[]; args: (string | number)[] };

const reserve = new RedisScript(RESERVE);
const release = new RedisScript(RELEASE);
const releaseMany = new RedisScript(RELEASE_MANY);
const mirror = new RedisScript(MIRROR);
const renew = new RedisScript(RENEW);
const repost = new RedisScript(REPOST);
const account = new RedisScript(ACCOUNT);

/**
 * Money held for calls in flight, shared by every replica through Redis (docs/scale-out.md).
 * Redis admits a hold only against the balance less every replica's open holds; PostgreSQL
 * remains the authority on the balance, and this mirror only ever moves to a newer version
 * of it. A hold not released within its lease is dropped by the next script that touches
 * its account, so a dead replica's holds outlive it by at most one lease.
 */
export class ClusterHolds {
  constructor(
    private readonly redis: RedisClient,
    readonly leaseMs: number,
  ) {}

  private keys(accountId: string, keyId: string) {
    const base = `tg:{${accountId}}:`;
    return {
      base,
      acct: `${base}acct`,
      holds: `${base}holds`,
      hold: `${base}hold`,
      key: `${base}key:${keyId}`,
    };
  }

  /**
   * `keyLimit`: the key's spend limit as this replica knows it (null: none); absent: the
   * mirror's stands. `windows`: rate windows decided in the same script (a priced call's
   * first reservation); their verdict comes back as `windows`, or the refusal as `limited`.
   */
  async reserve(
    accountId: string,
    keyId: string,
    amount: number,
    holdId: string,
    keyLimit?: number | null,
    windows?: Windows,
  ): Promise<Reserved> {
    wholeAmount(amount);
    const k = this.keys(accountId, keyId);
    const limit = keyLimit === undefined ? "~" : (keyLimit ?? "");
    const r = (await reserve.run(
      this.redis,
      [k.acct, k.holds, k.hold, k.key, ...(windows?.keys ?? [])],
      [k.base, holdId, keyId, amount, this.leaseMs, limit, ...(windows?.args ?? [])],
    )) as [number, unknown, unknown?, unknown?];
    if (r[0] === 1)
      return {
        ok: true,
        holdId,
        accountFree: Number(r[1]),
        keyFree: r[2] === -1 ? null : Number(r[2]),
        ...(windows ? { windows: r[3] } : {}),
      };
    if (r[0] === 2) return { ok: false, limited: r[1] };
    if (r[0] === -1) return { ok: false, missing: r[1] as "account" | "key" };
    return { ok: false, refused: r[1] as "account" | "key", free: Number(r[2]) };
  }

  /**
   * Ends a hold; `after` is what PostgreSQL returned from the settlement (absent when the
   * call was not charged). Returns whether the hold was still open (false: its lease ran out first).
   */
  async release(accountId: string, keyId: string, holdId: string, after?: Settled): Promise<boolean> {
    const r = releaseArgs({ accountId, keyId, holdId, after }, this.keys(accountId, keyId));
    return (await release.run(this.redis, r.keys, r.args)) === 1;
  }

  /**
   * Ends several holds in one script (a group commit's, once it committed): one round trip
   * for the batch. Returns, in order, whether each was still open.
   */
  async releaseMany(holds: Release[]): Promise<boolean[]> {
    if (holds.length === 0) return [];
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const h of holds) {
      const r = releaseArgs(h, this.keys(h.accountId, h.keyId));
      keys.push(...r.keys);
      args.push(...r.args);
    }
    const open = (await releaseMany.run(this.redis, keys, args)) as number[];
    return open.map((o) => Number(o) === 1);
  }

  /**
   * Loads (or refreshes) an account's and a key's mirror from PostgreSQL's values; `keyTtlMs`
   * lets a key's hash for one budget period expire once the period is long over.
   */
  async mirror(accountId: string, keyId: string, s: MirrorState, keyTtlMs?: number): Promise<void> {
    const k = this.keys(accountId, keyId);
    await mirror.run(this.redis, [k.acct, k.key], [s.balance, s.version, s.keyUsed, s.keyLimit ?? ""]);
    if (keyTtlMs !== undefined)
      await withDeadline(this.redis.send("PEXPIRE", [k.key, String(keyTtlMs)]), REDIS_DEADLINE_MS);
  }

  /** Puts back a hold admitted before Redis lost its state (load the mirror first); false if Redis still had it. */
  async repost(accountId: string, keyId: string, holdId: string, amount: number): Promise<boolean> {
    wholeAmount(amount);
    const k = this.keys(accountId, keyId);
    const r = await repost.run(
      this.redis,
      [k.acct, k.holds, k.hold, k.key],
      [k.base, holdId, keyId, amount, this.leaseMs],
    );
    return r === 1;
  }

  /** Moves an account's mirror to a newer committed balance (a top-up); a missing mirror is left to load whole. */
  async account(accountId: string, balance: number, version: number): Promise<void> {
    await account.run(this.redis, [this.keys(accountId, "").acct], [balance, version]);
  }

  /** Which of these holds Redis no longer has (their lease ran out, or Redis lost them). */
  async gone(accountId: string, holdIds: string[]): Promise<string[]> {
    if (holdIds.length === 0) return [];
    const k = this.keys(accountId, "");
    const scores = (await withDeadline(
      this.redis.send("ZMSCORE", [k.holds, ...holdIds]),
      REDIS_DEADLINE_MS,
    )) as (string | null)[];
    return holdIds.filter((_, i) => scores[i] === null);
  }

  /** Redis's run id: it changes when Redis restarted (and lost every hold and mirror). */
  async runId(): Promise<string> {
    const info = String(await withDeadline(this.redis.send("INFO", ["server"]), REDIS_DEADLINE_MS));
    return /run_id:(\w+)/.exec(info)?.[1] ?? "";
  }

  /** Pushes the leases of this replica's open holds on one account forward; returns how many were still open. */
  async renew(accountId: string, holdIds: string[]): Promise<number> {
    if (holdIds.length === 0) return 0;
    const k = this.keys(accountId, "");
    return Number(await renew.run(this.redis, [k.holds], [this.leaseMs, ...holdIds]));
  }
}

/** One hold's KEYS and ARGV for RELEASE and RELEASE_MANY (server/cluster/scripts.ts). */
function releaseArgs(
  h: Release,
  k: { base: string; acct: string; holds: string; hold: string; key: string },
): { keys: string[]; args: (string | number)[] } {
  const a = h.after;
  return {
    keys: [k.acct, k.holds, k.hold, k.key],
    args: [k.base, h.holdId, a?.balance ?? "", a?.version ?? "", a?.keyUsed ?? "", a?.keyCharged ?? ""],
  };
}

/**
 * The scripts take an amount as its decimal text into HINCRBY and the hold's record: a whole
 * number of minor units that String() writes without an exponent (below 1e21) and that Redis's
 * 64-bit HINCRBY takes. Anything else is a bug upstream of here, refused before Redis sees it.
 */
function wholeAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new Error(`a hold's amount must be a whole number of minor units, got ${amount}`);
}
