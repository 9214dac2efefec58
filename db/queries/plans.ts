import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Conn, Db } from "../client.ts";
import { accountPlans, plans, requestLog } from "../schema/index.ts";
import { admittedSince } from "./predicates.ts";

/** Plans and which account is on which (db/schema/plans.ts), and the request counts that seed their limits. */

export type PlanRow = typeof plans.$inferSelect;
export type AccountPlanRow = typeof accountPlans.$inferSelect;

export function allPlans(db: Conn): PlanRow[] {
  return db.select().from(plans).all();
}

export function allAccountPlans(db: Conn): AccountPlanRow[] {
  return db.select().from(accountPlans).all();
}

export function findPlan(db: Conn, id: string): PlanRow | undefined {
  return db.select().from(plans).where(eq(plans.id, id)).get();
}

export function insertPlan(db: Conn, row: PlanRow): void {
  db.insert(plans).values(row).run();
}

export function updatePlan(db: Conn, id: string, set: Partial<PlanRow>): PlanRow | undefined {
  return db.update(plans).set(set).where(eq(plans.id, id)).returning().get();
}

export function deletePlan(db: Conn, id: string): void {
  db.delete(plans).where(eq(plans.id, id)).run();
}

/** Makes `id` the one default plan (null: none). */
export function setDefaultPlan(db: Conn, id: string | null): void {
  db.update(plans)
    .set({ isDefault: false })
    .where(id === null ? eq(plans.isDefault, true) : and(eq(plans.isDefault, true), ne(plans.id, id)))
    .run();
  if (id !== null) db.update(plans).set({ isDefault: true }).where(eq(plans.id, id)).run();
}

/** Inserts a plan; a default one becomes the only default, in the same transaction (Store.plans.insert). */
export function createPlan(db: Db, row: PlanRow): void {
  db.transaction((tx) => {
    insertPlan(tx, row);
    if (row.isDefault) setDefaultPlan(tx, row.id);
  });
}

/** Updates a plan; `makeDefault` makes it the only default, in the same transaction (Store.plans.update). */
export function changePlan(db: Db, id: string, set: Partial<PlanRow>, makeDefault: boolean): void {
  db.transaction((tx) => {
    updatePlan(tx, id, set);
    if (makeDefault) setDefaultPlan(tx, id);
  });
}

export function accountsOnPlan(db: Conn, planId: string): number {
  return (
    db.select({ n: sql<number>`count(*)` }).from(accountPlans).where(eq(accountPlans.planId, planId)).get()
      ?.n ?? 0
  );
}

export function upsertAccountPlan(db: Conn, row: AccountPlanRow): void {
  db.insert(accountPlans).values(row).onConflictDoUpdate({ target: accountPlans.accountId, set: row }).run();
}

export function deleteAccountPlan(db: Conn, accountId: string): void {
  db.delete(accountPlans).where(eq(accountPlans.accountId, accountId)).run();
}

/**
 * Per account since `since`: requests admitted (not refused by a rate limit) and tokens
 * (input + output), to seed the plan windows at start.
 */
export function accountUsageSince(
  db: Conn,
  since: number,
): { accountId: string; requests: number; tokens: number }[] {
  return db
    .select({
      accountId: sql<string>`${requestLog.accountId}`,
      requests: sql<number>`count(*)`,
      tokens: sql<number>`coalesce(sum(${requestLog.inputTokens} + ${requestLog.outputTokens}), 0)`,
    })
    .from(requestLog)
    .where(and(admittedSince(requestLog, since), isNotNull(requestLog.accountId)))
    .groupBy(requestLog.accountId)
    .all();
}
