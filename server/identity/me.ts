import { amountToNumber } from "../billing/money.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { dayStart } from "../plans/period.ts";
import type { Plan } from "../plans/plan-book.ts";
import type { IdentityServices } from "./identity.ts";
import { type Scope, usageFigures } from "./usage-figures.ts";
import type { Role, User } from "./users.ts";

/** Who called: the key the call runs under, the person (signed in) and their role on the account. */
export type Caller = {
  key: KeyRecord;
  user: User | null;
  role: Role | null;
  via: "jwt" | "external" | "api_key" | "session";
};

/** A plan's limits as the user's routes show them (null fields: no such limit). */
export function planView(plan: Plan) {
  return {
    id: plan.id,
    name: plan.name,
    requests_per_minute: plan.requestsPerMinute,
    requests_per_day: plan.requestsPerDay,
    tokens_per_day: plan.tokensPerDay,
    concurrent_requests: plan.concurrentRequests,
    models: plan.models ? [...plan.models] : null,
    price_multiplier: plan.priceMultiplierPpm / 1_000_000,
    monthly_fee: amountToNumber(plan.monthlyFee),
  };
}

/**
 * `GET /auth/me` in Iskra's shape: `user.email`, `user.tier` (the plan's id), and today's
 * `usage` (UTC): the account's requests and tokens, and the daily request limit that
 * binds (the plan's for the account, or the key's own, whichever leaves less) with what
 * remains of it; null when no daily limit applies. Other fields add what Iskra's lacks.
 * With TOLLGATE_REDIS the figures are the deployment's where Redis counts them
 * (usage-figures.ts) and `usage.scope` says which are.
 */
export async function meView(gw: IdentityServices, c: Caller, now: number) {
  const { key } = c;
  const plan = gw.plans.current(key.accountId, now);
  const usage = await usageFigures(gw, key.accountId, key, now);
  const acct = gw.book.get(key.accountId);
  const daily: { limit: number; used: number; scope?: Scope }[] = [];
  if (plan?.requestsPerDay != null)
    daily.push({ limit: plan.requestsPerDay, used: usage.requestsToday, scope: usage.scope?.requestsToday });
  const keyDay = gw.limiter.dayLimit(key);
  if (keyDay !== null) daily.push({ limit: keyDay, used: usage.keyToday, scope: usage.scope?.keyToday });
  const binding = daily.sort((a, b) => a.limit - a.used - (b.limit - b.used))[0];
  return {
    user: {
      email: c.user?.email ?? null,
      tier: plan?.id ?? null,
      id: c.user?.id ?? null,
      name: c.user?.name ?? null,
    },
    usage: {
      requestsToday: usage.requestsToday,
      tokensToday: usage.tokensToday,
      limit: binding?.limit ?? null,
      remaining: binding ? Math.max(0, binding.limit - binding.used) : null,
      resetsAt: new Date(dayStart(now) + 86_400_000).toISOString(),
      ...(usage.scope && {
        scope: {
          requestsToday: usage.scope.requestsToday,
          tokensToday: usage.scope.tokensToday,
          remaining: binding?.scope ?? null,
        },
      }),
    },
    plan: plan ? planView(plan) : null,
    account: {
      id: key.accountId,
      name: acct?.name ?? null,
      role: c.role,
      balance: acct ? amountToNumber(acct.balance) : null,
      currency: gw.settings.currency,
    },
    auth: c.via,
    ...(c.via === "api_key" ? { key: { id: key.id, name: key.name } } : {}),
  };
}
