import { type BudgetPeriod, limitSpent, nextPeriodStart } from "../../billing/budget-period.ts";
import { amountToNumber } from "../../billing/money.ts";
import { keyLimitReached } from "../../billing/spend-limits.ts";
import type { ModelRecord } from "../../catalog/catalog.ts";
import { badRequest, GatewayError, notFound } from "../../errors.ts";
import type { KeyPatch, KeyRecord } from "../../keys/key-store.ts";
import type { AdminServices } from "../services.ts";
import { daysBack, dayView, iso } from "../shared.ts";
import type { KeyUsage, KeyView } from "./model.ts";

/** What this resource reads and writes. */
export type KeysDeps = Pick<AdminServices, "store" | "book" | "keys" | "catalog" | "settings">;

/**
 * last_used_at is written with each request's log row (group commit), not into the
 * in-memory KeyStore: views read it from the database after a flush.
 */
const lastUsedAt = (gw: KeysDeps) => gw.store.keys.lastUsed();

const withLastUsed = (k: KeyRecord, used: Map<string, number | null>): KeyRecord => ({
  ...k,
  lastUsedAt: used.get(k.id) ?? k.lastUsedAt,
});

/** The panel's view of a key; `models` (the catalog) decide whether its spend limit still buys a call. */
export function keyView(k: KeyRecord, models: readonly ModelRecord[], now = Date.now()): KeyView {
  return {
    id: k.id,
    account_id: k.accountId,
    name: k.name,
    prefix: k.prefix,
    status: k.status === "active" && k.expiresAt !== null && k.expiresAt <= now ? "expired" : k.status,
    rpm_limit: k.rpmLimit,
    daily_request_limit: k.dailyRequestLimit,
    spend_limit: k.spendLimit === null ? null : amountToNumber(k.spendLimit),
    used: amountToNumber(k.used),
    budget_period: k.budgetPeriod,
    period_spent: amountToNumber(limitSpent(k)),
    period_resets_at: k.budgetPeriod === null ? null : iso(nextPeriodStart(k.budgetPeriod, now)),
    spend_remaining: k.spendLimit === null ? null : amountToNumber(Math.max(0, k.spendLimit - limitSpent(k))),
    limit_reached: keyLimitReached(k, models),
    models: k.models ? [...k.models] : null,
    expires_at: iso(k.expiresAt),
    last_used_at: iso(k.lastUsedAt),
    created_at: iso(k.createdAt)!,
  };
}

type KeyInput = {
  name?: string;
  rpm_limit?: number | null;
  daily_request_limit?: number | null;
  spend_limit?: number | null;
  budget_period?: BudgetPeriod | null;
  models?: string[] | null;
  expires_at?: number | null;
};

function toPatch(gw: KeysDeps, input: KeyInput): KeyPatch {
  if (input.models) {
    const unknown = input.models.filter((m) => !gw.catalog.model(m));
    if (unknown.length)
      throw badRequest(`Unknown model(s): ${unknown.join(", ")}.`, "models", "model_not_found");
  }
  const patch: KeyPatch = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.rpm_limit !== undefined) patch.rpmLimit = input.rpm_limit;
  if (input.daily_request_limit !== undefined) patch.dailyRequestLimit = input.daily_request_limit;
  if (input.spend_limit !== undefined) patch.spendLimit = input.spend_limit;
  if (input.budget_period !== undefined) patch.budgetPeriod = input.budget_period;
  if (input.models !== undefined) patch.models = input.models;
  if (input.expires_at !== undefined) patch.expiresAt = input.expires_at;
  return patch;
}

/** The key, moved into the current budget period so its view counts the right spend. */
function key(gw: KeysDeps, id: string): KeyRecord {
  const k = gw.keys.get(id);
  if (!k) throw notFound(`No API key with id '${id}'.`, "key_not_found");
  gw.keys.rollPeriod(k, Date.now());
  return k;
}

export const keysService = {
  async list(gw: KeysDeps, accountId?: string, status?: KeyView["status"]): Promise<KeyView[]> {
    const used = await lastUsedAt(gw);
    const now = Date.now();
    return gw.keys
      .all()
      .filter((k) => !accountId || k.accountId === accountId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((k) => {
        gw.keys.rollPeriod(k, now);
        return keyView(withLastUsed(k, used), gw.catalog.models(), now);
      })
      .filter((v) => !status || v.status === status);
  },

  async get(gw: KeysDeps, id: string): Promise<KeyView> {
    const k = key(gw, id);
    return keyView(withLastUsed(k, await lastUsedAt(gw)), gw.catalog.models());
  },

  /** Issues a key; the plain key is in this answer only. */
  async create(
    gw: KeysDeps,
    input: KeyInput & { account_id: string; name: string },
  ): Promise<KeyView & { key: string }> {
    if (!gw.book.get(input.account_id))
      throw notFound(`No account with id '${input.account_id}'.`, "account_not_found");
    const patch = toPatch(gw, input);
    const { record, key: plain } = await gw.keys.create(
      { ...patch, accountId: input.account_id, name: input.name },
      Date.now(),
    );
    return { ...keyView(record, gw.catalog.models()), key: plain };
  },

  async update(
    gw: KeysDeps,
    id: string,
    input: KeyInput & { status?: KeyRecord["status"] },
  ): Promise<KeyView> {
    const before = key(gw, id);
    if (before.status === "revoked" && input.status !== undefined && input.status !== "revoked")
      throw new GatewayError("conflict", "This key is revoked, which is for good: issue a new key instead.", {
        code: "key_revoked",
        param: "status",
      });
    const patch = toPatch(gw, input);
    if (input.status !== undefined) patch.status = input.status;
    const rec = await gw.keys.update(id, patch);
    if (!rec) throw notFound(`No API key with id '${id}'.`, "key_not_found");
    return keyView(withLastUsed(rec, await lastUsedAt(gw)), gw.catalog.models());
  },

  async usage(gw: KeysDeps, id: string, days = 30): Promise<KeyUsage> {
    key(gw, id);
    const [totals, daily] = await Promise.all([
      gw.store.requests.keyTotals(id),
      gw.store.requests.keyDaily(id, daysBack(days, Date.now())),
    ]);
    return {
      key_id: id,
      requests: totals.requests,
      errors: totals.errors,
      input_tokens: totals.input,
      cached_tokens: totals.cached,
      output_tokens: totals.output,
      spend: amountToNumber(totals.spend),
      currency: gw.settings.currency,
      daily: daily.map(dayView),
    };
  },
};
