import type { PlanDecl } from "../config/plans.ts";
import { sha256 } from "../secrets/tokens.ts";
import type { PlanBook, PlanFields } from "./plan-book.ts";

const fieldsOf = (p: PlanDecl): PlanFields => ({
  name: p.name,
  isDefault: p.default,
  requestsPerMinute: p.requests_per_minute,
  requestsPerDay: p.requests_per_day,
  tokensPerDay: p.tokens_per_day,
  concurrentRequests: p.concurrent_requests,
  models: p.models,
  priceMultiplierPpm: p.price_multiplier,
  monthlyFee: p.monthly_fee,
});

/**
 * The plans of tollgate.yaml into the plan book, like providers and models: a plan whose
 * declaration is unchanged since the last apply is left alone (the admin's edits stand),
 * a changed one is overwritten from the file, a removed one stays. Free plans first, so
 * a default exists before a plan with a fee needs one.
 */
export async function applyPlans(
  plans: PlanBook,
  decls: readonly PlanDecl[],
  now: number,
): Promise<string[]> {
  const changed: string[] = [];
  const ordered = [...decls].sort(
    (a, b) => Number(b.default) - Number(a.default) || a.monthly_fee - b.monthly_fee,
  );
  for (const d of ordered) {
    const hash = sha256(`plan:${JSON.stringify(d)}`);
    const existing = plans.get(d.id);
    if (existing?.configHash === hash) continue;
    if (existing) await plans.update(d.id, fieldsOf(d), now, hash);
    else await plans.create(d.id, fieldsOf(d), now, hash);
    changed.push(d.id);
  }
  return changed;
}
