import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { AccountPlanRow, PlanRow } from "../../queries/plans.ts";
import { admittedSince } from "../../queries/predicates.ts";
import type { PgConn } from "../client.ts";
import { accountPlans, plans, requestLog } from "../schema/index.ts";

/** Plans and their assignments on PostgreSQL: the twins of db/queries/plans.ts. */

export const allPlans = (db: PgConn): Promise<PlanRow[]> => db.select().from(plans);

export const allAccountPlans = (db: PgConn): Promise<AccountPlanRow[]> => db.select().from(accountPlans);

/** Makes `id` the one default plan, as db/queries/plans.ts's setDefaultPlan. */
async function setDefaultPlan(db: PgConn, id: string): Promise<void> {
  await db
    .update(plans)
    .set({ isDefault: false })
    .where(and(eq(plans.isDefault, true), ne(plans.id, id)));
  await db.update(plans).set({ isDefault: true }).where(eq(plans.id, id));
}

/** Inserts a plan; a default one becomes the only default, in the same transaction. */
export async function insertPlan(db: PgConn, row: PlanRow): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(plans).values(row);
    if (row.isDefault) await setDefaultPlan(tx, row.id);
  });
}

/** Updates a plan; `makeDefault` makes it the only default, in the same transaction. */
export async function updatePlan(db: PgConn, id: string, set: Partial<PlanRow>, makeDefault: boolean) {
  await db.transaction(async (tx) => {
    await tx.update(plans).set(set).where(eq(plans.id, id));
    if (makeDefault) await setDefaultPlan(tx, id);
  });
}

export async function deletePlan(db: PgConn, id: string): Promise<void> {
  await db.delete(plans).where(eq(plans.id, id));
}

export async function accountsOnPlan(db: PgConn, planId: string): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(accountPlans)
    .where(eq(accountPlans.planId, planId));
  return r?.n ?? 0;
}

export async function upsertAccountPlan(db: PgConn, row: AccountPlanRow): Promise<void> {
  await db.insert(accountPlans).values(row).onConflictDoUpdate({ target: accountPlans.accountId, set: row });
}

export async function deleteAccountPlan(db: PgConn, accountId: string): Promise<void> {
  await db.delete(accountPlans).where(eq(accountPlans.accountId, accountId));
}

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
