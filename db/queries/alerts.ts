import { count, desc, eq } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { alertDeliveries } from "../schema/index.ts";
import type { FullRow } from "./columns.ts";

/** Alert webhook deliveries (db/schema/alerts.ts): one row per alert, updated per attempt. */

export type DeliveryRow = typeof alertDeliveries.$inferSelect;

export function insertDelivery(db: Conn, row: FullRow<typeof alertDeliveries>): void {
  db.insert(alertDeliveries).values(row).run();
}

export function updateDelivery(
  db: Conn,
  id: string,
  set: Pick<DeliveryRow, "status" | "attempts" | "responseStatus" | "lastError" | "updatedAt">,
): void {
  db.update(alertDeliveries).set(set).where(eq(alertDeliveries.id, id)).run();
}

/** Newest first. */
export function deliveryPage(
  db: Conn,
  limit: number,
  offset: number,
): { rows: DeliveryRow[]; total: number } {
  const rows = db
    .select()
    .from(alertDeliveries)
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(limit)
    .offset(offset)
    .all();
  const total = db.select({ n: count() }).from(alertDeliveries).get()?.n ?? 0;
  return { rows, total };
}
