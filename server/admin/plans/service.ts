import { amountToNumber } from "../../billing/money.ts";
import { PPM } from "../../billing/multiplier.ts";
import { badRequest, notFound } from "../../errors.ts";
import type { Plan, PlanFields } from "../../plans/plan-book.ts";
import type { AdminServices } from "../services.ts";
import { iso } from "../shared.ts";

/** What the plan routes act on. */
type Services = Pick<AdminServices, "plans" | "book" | "catalog">;

export function planView(p: Plan) {
  return {
    id: p.id,
    name: p.name,
    default: p.isDefault,
    requests_per_minute: p.requestsPerMinute,
    requests_per_day: p.requestsPerDay,
    tokens_per_day: p.tokensPerDay,
    concurrent_requests: p.concurrentRequests,
    models: p.models ? [...p.models] : null,
    price_multiplier: p.priceMultiplierPpm / PPM,
    monthly_fee: amountToNumber(p.monthlyFee),
    from_config: p.configHash !== null,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

type PlanInput = Partial<{
  name: string;
  default: boolean;
  requests_per_minute: number | null;
  requests_per_day: number | null;
  tokens_per_day: number | null;
  concurrent_requests: number | null;
  models: string[] | null;
  price_multiplier: number;
  monthly_fee: number;
}>;

function toFields(gw: Services, input: PlanInput): Partial<PlanFields> {
  if (input.models) {
    const unknown = input.models.filter((m) => !gw.catalog.model(m));
    if (unknown.length)
      throw badRequest(`Unknown model(s): ${unknown.join(", ")}.`, "models", "model_not_found");
  }
  const f: Partial<PlanFields> = {};
  if (input.name !== undefined) f.name = input.name;
  if (input.default !== undefined) f.isDefault = input.default;
  if (input.requests_per_minute !== undefined) f.requestsPerMinute = input.requests_per_minute;
  if (input.requests_per_day !== undefined) f.requestsPerDay = input.requests_per_day;
  if (input.tokens_per_day !== undefined) f.tokensPerDay = input.tokens_per_day;
  if (input.concurrent_requests !== undefined) f.concurrentRequests = input.concurrent_requests;
  if (input.models !== undefined) f.models = input.models;
  if (input.price_multiplier !== undefined) f.priceMultiplierPpm = input.price_multiplier;
  if (input.monthly_fee !== undefined) f.monthlyFee = input.monthly_fee;
  return f;
}

/** Plans and which account is on which; a change made here stands until tollgate.yaml's declaration of that plan changes. */
export const plansService = {
  list: (gw: Services) => gw.plans.list().map(planView),

  get(gw: Services, id: string) {
    const p = gw.plans.get(id);
    if (!p) throw notFound(`No plan with id '${id}'.`, "plan_not_found");
    return planView(p);
  },

  async create(gw: Services, input: PlanInput & { id: string }) {
    const f = toFields(gw, input) as PlanFields;
    return planView(await gw.plans.create(input.id, f, Date.now()));
  },

  update: async (gw: Services, id: string, input: PlanInput) =>
    planView(await gw.plans.update(id, toFields(gw, input), Date.now())),

  async remove(gw: Services, id: string) {
    await gw.plans.remove(id);
    return { id, deleted: true };
  },

  accountPlan(gw: Services, accountId: string) {
    if (!gw.book.get(accountId)) throw notFound(`No account with id '${accountId}'.`, "account_not_found");
    const plan = gw.plans.current(accountId, Date.now());
    const a = gw.plans.assignment(accountId);
    return {
      account_id: accountId,
      plan: plan ? planView(plan) : null,
      period_start: a ? iso(a.periodStart) : null,
      assigned_at: a ? iso(a.assignedAt) : null,
      lapsed_plan_id: a?.lapsedPlanId ?? null,
      lapsed_at: a ? iso(a.lapsedAt) : null,
    };
  },

  async assign(gw: Services, accountId: string, planId: string | null) {
    await gw.plans.assign(accountId, planId, Date.now());
    return plansService.accountPlan(gw, accountId);
  },
};
