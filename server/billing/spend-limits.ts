import type { ModelRecord } from "../catalog/catalog.ts";
import { GatewayError, insufficientQuota } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { AccountBook } from "./account-book.ts";
import { limitSpent } from "./budget-period.ts";
import { costOf, dearestInputPrice, formatAmount, type Prices } from "./money.ts";
import { SMALLEST_PROMPT_BOUND } from "./prompt-bound.ts";
import { MIN_OUTPUT_TOKENS } from "./reserve-plan.ts";

/**
 * Which of a key's two limits a refused request ran into. A key spends from its account's
 * balance, capped by its own `spend_limit`; the client must hear which one stopped it,
 * because topping up the account does nothing for a key at its own limit.
 */
export function spendRefusal(
  book: AccountBook,
  key: KeyRecord,
  currency: string,
  /** What the request needs, as words after "this request" ("needs at least 0.01 USD ..."). */
  need: string,
  /** What is free as the shared holds saw it (a replica's refused hold), instead of this replica's view. */
  seen: { account: number; key: number | null } = book.headroom(key),
): GatewayError {
  const { account, key: keyLeft } = seen;
  const amount = (units: number) => `${formatAmount(Math.max(0, units))} ${currency}`;
  if (keyLeft !== null && keyLeft < account)
    return new GatewayError(
      "insufficient_quota",
      `This API key has reached its spend limit: this request ${need} and the key may spend ${amount(keyLeft)} more of its ${amount(key.spendLimit ?? 0)} limit. Topping up the account does not lift a key's own limit: raise the key's spend limit, or send a shorter request.`,
      { code: "key_spend_limit_reached" },
    );
  return insufficientQuota(
    `Insufficient balance: this request ${need} and ${amount(account)} is available. Top up or send a shorter request.`,
  );
}

/** The least a priced model can bill for a call: one prompt token and the shortest answer a reservation allows. */
function smallestCall(prices: Prices): number {
  return costOf(
    { ...prices, input: dearestInputPrice(prices) },
    { input: SMALLEST_PROMPT_BOUND, cached: 0, output: MIN_OUTPUT_TOKENS },
  );
}

/**
 * Whether a key's own spend limit leaves too little for any call: what is left of it is
 * below the smallest reservation on the cheapest priced model the key may use (a key is
 * refused well before `used` equals the limit exactly). Free models are not counted: a key
 * that may only use those is at its limit when nothing of the limit is left.
 */
export function keyLimitReached(key: KeyRecord, models: readonly ModelRecord[]): boolean {
  if (key.spendLimit === null) return false;
  const left = key.spendLimit - limitSpent(key) - key.reserved;
  let cheapest = Number.POSITIVE_INFINITY;
  for (const m of models) {
    if (!m.enabled || (key.models && !key.models.has(m.id))) continue;
    const cost = smallestCall(m.prices);
    if (cost > 0) cheapest = Math.min(cheapest, cost);
  }
  return Number.isFinite(cheapest) ? left < cheapest : left <= 0;
}
