import { and, isNotNull, sql } from "drizzle-orm";
import type { AccountPlanRow, PlanRow } from "../../queries/plans.ts";
import { admittedSince } from "../../queries/predicates.ts";
import type { PgConn } from "../client.ts";
import { accountPlans, plans, requestLog } from "../schema/index.ts";

/** Plans and their assignments on PostgreSQL: the twins of db/queries/plans.ts. */

export const allPlans = (db: PgConn): Promise<PlanRow[]> => db.select().from(plans);

export const allAccountPlans = (db: PgConn): Promise<AccountPlanRow[]> => db.select().from(accountPlans);

export function accountUsageSince(
  db: PgConn,
  since: number,
): Promise<{ accountId: string; requests: number; tokens: number }[]> {
  return db
    .select({
      accountId: sql<string>`${requestLog.accountId}`,
      requests: sql<number>`count(*)`.mapWith(Number),
      tokens: sql<number>`coalesce(sum(${requestLog.inputTokens} + ${requestLog.outputTokens}), 0)`.mapWith(
        Number,
      ),
    })
    .from(requestLog)
    .where(and(admittedSince(requestLog, since), isNotNull(requestLog.accountId)))
    .groupBy(requestLog.accountId);
}
