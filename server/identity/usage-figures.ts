import type { Subject } from "../limits/rate-limit.ts";
import type { AccountUsage } from "../plans/plan-limits.ts";
import type { IdentityServices } from "./identity.ts";

/** Where a figure was counted: across every replica (Redis), or this replica alone. */
export type Scope = "deployment" | "replica";

/** An account's figures today, with the key's day count when a key is named. */
export type UsageFigures = AccountUsage & {
  keyToday: number;
  /** With TOLLGATE_REDIS only: where each figure was counted (absent on one box). */
  scope?: Record<keyof AccountUsage | "keyToday", Scope>;
};

/**
 * What `/auth/me` and the portal show of an account's use today. On one box: this
 * process's counts (PlanLimits, the rate limiter's day window), as always. With
 * TOLLGATE_REDIS: the figures a window counts in Redis (the plan's requests and tokens per
 * day and requests in flight, the key's requests per day) read from there, so every
 * replica shows the deployment's total; the others, and all of them when Redis does not
 * answer in time, are this replica's own, and `scope` says which is which.
 */
export async function usageFigures(
  gw: IdentityServices,
  accountId: string,
  key: Subject | null,
  now: number,
): Promise<UsageFigures> {
  const local = {
    ...gw.planLimits.usage(accountId, now),
    keyToday: key ? gw.limiter.dayCount(key.id, now) : 0,
  };
  if (!gw.limiter.sharedUsage) return local;
  const shared = (await gw.limiter.sharedUsage(accountId, key, now)) ?? {};
  const out = { ...local };
  const scope = {} as Record<keyof typeof local, Scope>;
  for (const f of Object.keys(local) as (keyof typeof local)[]) {
    const v = shared[f];
    if (v !== undefined) out[f] = v;
    scope[f] = v === undefined ? "replica" : "deployment";
  }
  return { ...out, scope };
}
