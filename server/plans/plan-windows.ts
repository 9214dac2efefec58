import { DAY, MINUTE, type WindowSpec } from "../limits/rate-limit.ts";
import type { Plan } from "./plan-book.ts";

/** How long a concurrency slot of a replica that died mid-request blocks its account, at most. */
export const SLOT_LEASE_MS = 15 * 60_000;

/**
 * An account plan's limits as windows of the shared limiter (server/cluster/rate-windows.ts),
 * worded as PlanLimits words them: requests per minute and per UTC day counted per request,
 * tokens per UTC day only checked (a request's tokens are added once its row is committed),
 * and requests in flight as slots with a lease.
 */
export function planWindows(plan: Plan, accountId: string): WindowSpec[] {
  const named = `on the ${plan.name} plan`;
  const out: WindowSpec[] = [];
  if (plan.requestsPerMinute !== null)
    out.push({
      name: "plan_rpm",
      id: `pm:${accountId}`,
      limit: plan.requestsPerMinute,
      size: MINUTE,
      what: `requests per minute ${named}`,
    });
  if (plan.requestsPerDay !== null)
    out.push({
      name: "plan_rpd",
      id: `pd:${accountId}`,
      limit: plan.requestsPerDay,
      size: DAY,
      what: `requests per day ${named}`,
    });
  if (plan.tokensPerDay !== null)
    out.push({
      name: "plan_tpd",
      id: PLAN_TOKENS(accountId),
      limit: plan.tokensPerDay,
      size: DAY,
      what: `tokens per day ${named}`,
      mode: "check",
    });
  if (plan.concurrentRequests !== null)
    out.push({
      name: "plan_concurrency",
      id: PLAN_SLOTS(accountId),
      limit: plan.concurrentRequests,
      size: SLOT_LEASE_MS,
      what: `concurrent requests ${named}`,
      mode: "slots",
    });
  return out;
}

export const PLAN_TOKENS = (accountId: string) => `pt:${accountId}`;
export const PLAN_SLOTS = (accountId: string) => `ps:${accountId}`;
