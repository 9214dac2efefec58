import { count, desc, eq } from "drizzle-orm";
import type { DeliveryRow } from "../../queries/alerts.ts";
import type { PgConn } from "../client.ts";
import { alertDeliveries } from "../schema/index.ts";

/** Alert webhook deliveries on PostgreSQL: the twins of db/queries/alerts.ts. */

export async function insertDelivery(db: PgConn, row: DeliveryRow): Promise<void> {
  await db.insert(alertDeliveries).values(row);
}

export async function updateDelivery(
  db: PgConn,
  id: string,
  set: Pick<DeliveryRow, "status" | "attempts" | "responseStatus" | "lastError" | "updatedAt">,
): Promise<void> {
  await db.update(alertDeliveries).set(set).where(eq(alertDeliveries.id, id));
}

/** Newest first. */
export async function deliveryPage(
  db: PgConn,
  limit: number,
  offset: number,
): Promise<{ rows: DeliveryRow[]; total: number }> {
  const [rows, [n]] = await Promise.all([
    db
      .select()
      .from(alertDeliveries)
      .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(alertDeliveries),
  ]);
  return { rows, total: Number(n?.n ?? 0) };
}
