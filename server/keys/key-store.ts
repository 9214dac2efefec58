import type { KeyRow } from "../../db/queries/keys.ts";
import type { Store } from "../../db/store.ts";
import { type BudgetPeriod, periodStart } from "../billing/budget-period.ts";
import { unauthorized } from "../errors.ts";
import { randomToken, sha256 } from "../secrets/tokens.ts";

export type KeyRecord = {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  status: "active" | "suspended" | "revoked";
  rpmLimit: number | null;
  dailyRequestLimit: number | null;
  /** Own spend cap in nano-units; null: spends from the account without a cap. */
  spendLimit: number | null;
  used: number;
  /** When set, `spendLimit` caps the spend since the current period began (billing/budget-period.ts). */
  budgetPeriod: BudgetPeriod | null;
  /** Start of the period `periodUsed` counts (null: not yet counted from the ledger). */
  periodStart: number | null;
  /** Spend since `periodStart` (memory; seeded from the ledger). */
  periodUsed: number;
  /** Sum of open reservations made through this key (memory only). */
  reserved: number;
  models: ReadonlySet<string> | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
};

export type NewKey = {
  accountId: string;
  name: string;
  rpmLimit?: number | null;
  dailyRequestLimit?: number | null;
  spendLimit?: number | null;
  budgetPeriod?: BudgetPeriod | null;
  models?: string[] | null;
  expiresAt?: number | null;
};

export type KeyPatch = Partial<Omit<NewKey, "accountId">> & { status?: KeyRecord["status"] };

/** What every key this gateway makes starts with (`create`). */
export const KEY_PREFIX = "sk-tg-";

type Row = KeyRow;

function toRecord(row: Row, reserved = 0): KeyRecord {
  return {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    prefix: row.prefix,
    status: row.status,
    rpmLimit: row.rpmLimit,
    dailyRequestLimit: row.dailyRequestLimit,
    spendLimit: row.spendLimit,
    used: row.used,
    budgetPeriod: row.budgetPeriod,
    periodStart: null,
    periodUsed: 0,
    reserved,
    models: row.models ? new Set(row.models) : null,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
  };
}

/**
 * Every key in memory, looked up by the SHA-256 of the presented key: authentication
 * never touches the database. The maps are rebuilt when another process (the CLI)
 * changed the table, keeping each key's in-flight reservations.
 */
export class KeyStore {
  private keysByHash = new Map<string, KeyRecord>();
  private byId = new Map<string, KeyRecord>();
  /** Per key, the period a boundary moved it out of and what it had spent there. */
  private readonly left = new WeakMap<KeyRecord, { start: number; used: number }>();

  constructor(private readonly store: Store) {}

  /**
   * (Re)loads every key from the table. A key already in memory is updated in place and
   * keeps its spend and reservations: requests in flight hold that very object, and this
   * process is the authority on what its keys spent (only it charges them).
   */
  async load(): Promise<void> {
    const known = new Set(this.byId.keys());
    const rows = await this.store.keys.all();
    const byHash = new Map<string, KeyRecord>();
    const byId = new Map<string, KeyRecord>();
    for (const row of rows) {
      const rec = this.merge(row);
      byHash.set(row.hash, rec);
      byId.set(row.id, rec);
    }
    // A key this process created while the rows were read (their read may predate its insert)
    // stays: replacing the maps would lose it until the next load, and its caller would be
    // answered 401 for a key it was just given (replicas-external, many first uses at once).
    for (const [hash, rec] of this.keysByHash)
      if (!known.has(rec.id) && !byId.has(rec.id)) {
        byId.set(rec.id, rec);
        byHash.set(hash, rec);
      }
    this.keysByHash = byHash;
    this.byId = byId;
    await this.count([...byId.values()], Date.now());
  }

  /** The table's row into the record requests already hold (or a new one). */
  private merge(row: Row): KeyRecord {
    const prev = this.byId.get(row.id);
    if (!prev) return toRecord(row);
    const { used, reserved, periodUsed } = prev;
    // A period switched on or changed is counted afresh from the ledger.
    const periodStart = prev.budgetPeriod === row.budgetPeriod ? prev.periodStart : null;
    return Object.assign(prev, toRecord(row), { used, reserved, periodUsed, periodStart });
  }

  /**
   * Moves a key with a budget period into the period holding `now`, without reading the
   * database (it runs on the request path): at a boundary the spend counted against its
   * limit starts again from zero, and the period left is remembered, so a clock stepped
   * back into it counts that period's spend and what was spent since (what the ledger's sum
   * since its start would say). A key not counted yet, or a clock stepped back further, is
   * counted through the Store (`count`).
   */
  rollPeriod(rec: KeyRecord, now: number): void {
    if (rec.budgetPeriod === null) {
      rec.periodStart = null;
      rec.periodUsed = 0;
      return;
    }
    const start = periodStart(rec.budgetPeriod, now);
    if (rec.periodStart === start) return;
    const left = this.left.get(rec);
    if (rec.periodStart !== null && start > rec.periodStart) {
      this.left.set(rec, { start: rec.periodStart, used: rec.periodUsed });
      rec.periodUsed = 0;
      rec.periodStart = start;
    } else if (rec.periodStart !== null && left?.start === start) {
      this.left.delete(rec);
      rec.periodUsed += left.used;
      rec.periodStart = start;
    } else {
      rec.periodStart = null;
      this.count([rec], now).catch((err) =>
        console.error(
          JSON.stringify({
            level: "error",
            msg: "budget period not counted",
            key_id: rec.id,
            error: String(err),
          }),
        ),
      );
    }
  }

  /**
   * Counts the current period's spend of the keys with a budget period not counted yet (at
   * load, creation, a change of period), from the ledger through the Store: one read per
   * period start. Until a read lands the key counts its lifetime spend, never less than the
   * period's (fail closed); on SQLite it lands before any other request runs. Charges made
   * meanwhile are kept on top of what the ledger said. Charges still on their way to the
   * ledger at a restart are not in it: none are, since a restart waits for the group commit.
   */
  private async count(recs: KeyRecord[], now: number): Promise<void> {
    const byStart = new Map<number, { rec: KeyRecord; base: number }[]>();
    for (const rec of recs) {
      if (rec.budgetPeriod === null || rec.periodStart !== null) continue;
      const start = periodStart(rec.budgetPeriod, now);
      rec.periodStart = start;
      rec.periodUsed = rec.used;
      this.left.delete(rec);
      const group = byStart.get(start) ?? [];
      group.push({ rec, base: rec.used });
      byStart.set(start, group);
    }
    await Promise.all(
      [...byStart].map(async ([start, group]) => {
        const spent = await this.store.ledger.keysChargedSince(start);
        for (const { rec, base } of group)
          if (rec.periodStart === start) rec.periodUsed += (spent.get(rec.id) ?? 0) - base;
      }),
    );
  }

  /** The key behind a bearer token, or a 401 saying why not. */
  authenticate(token: string, now: number): KeyRecord {
    if (!token.startsWith(KEY_PREFIX)) throw unauthorized();
    const rec = this.keysByHash.get(sha256(token));
    if (!rec) throw unauthorized();
    if (rec.status === "revoked") throw unauthorized("This API key has been revoked.", "key_revoked");
    if (rec.status === "suspended")
      throw unauthorized(
        "This API key is suspended: an administrator can resume it; until then its requests are refused.",
        "key_suspended",
      );
    if (rec.expiresAt !== null && rec.expiresAt <= now)
      throw unauthorized("This API key has expired.", "key_expired");
    this.rollPeriod(rec, now);
    return rec;
  }

  get(id: string): KeyRecord | undefined {
    return this.byId.get(id);
  }

  /** The key with this SHA-256, as `authenticate` finds it (no status check). */
  byHash(hash: string): KeyRecord | undefined {
    return this.keysByHash.get(hash);
  }

  all(): KeyRecord[] {
    return [...this.byId.values()];
  }

  async create(input: NewKey, now: number): Promise<{ record: KeyRecord; key: string }> {
    const key = `${KEY_PREFIX}${randomToken(24)}`;
    const row: Row = {
      id: `key_${randomToken(9)}`,
      accountId: input.accountId,
      name: input.name,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      hash: sha256(key),
      status: "active",
      rpmLimit: input.rpmLimit ?? null,
      dailyRequestLimit: input.dailyRequestLimit ?? null,
      spendLimit: input.spendLimit ?? null,
      used: 0,
      budgetPeriod: input.budgetPeriod ?? null,
      models: input.models ?? null,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      createdAt: now,
    };
    await this.store.keys.insert(row);
    const record = toRecord(row);
    this.keysByHash.set(row.hash, record);
    this.byId.set(row.id, record);
    await this.count([record], now);
    return { record, key };
  }

  async update(id: string, patch: KeyPatch): Promise<KeyRecord | undefined> {
    const set: Partial<Row> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.rpmLimit !== undefined) set.rpmLimit = patch.rpmLimit;
    if (patch.dailyRequestLimit !== undefined) set.dailyRequestLimit = patch.dailyRequestLimit;
    if (patch.spendLimit !== undefined) set.spendLimit = patch.spendLimit;
    if (patch.budgetPeriod !== undefined) set.budgetPeriod = patch.budgetPeriod;
    if (patch.models !== undefined) set.models = patch.models;
    if (patch.expiresAt !== undefined) set.expiresAt = patch.expiresAt;
    if (patch.status !== undefined) set.status = patch.status;
    const row = await this.store.keys.update(id, set);
    if (!row) return undefined;
    const rec = this.merge(row);
    this.keysByHash.set(row.hash, rec);
    this.byId.set(id, rec);
    await this.count([rec], Date.now());
    return rec;
  }
}
