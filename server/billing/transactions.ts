import { count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { ledger, requestLog } from "../../db/schema/index.ts";

export type TransactionRow = {
  id: string;
  kind: string;
  amount: number;
  balanceAfter: number;
  createdAt: number;
  keyId: string | null;
  requestId: string | null;
  note: string | null;
  description: string;
};

const ENDPOINT_NAMES: Record<string, string> = { "chat.completions": "Chat completion" };

/** An account's ledger, newest first, with a human description of each entry. */
export function listTransactions(
  db: Db,
  accountId: string,
  limit: number,
  offset: number,
): { rows: TransactionRow[]; total: number } {
  const rows = db
    .select({
      id: ledger.id,
      kind: ledger.kind,
      amount: ledger.amount,
      balanceAfter: ledger.balanceAfter,
      createdAt: ledger.createdAt,
      keyId: ledger.keyId,
      requestId: ledger.requestId,
      note: ledger.note,
      endpoint: requestLog.endpoint,
      model: requestLog.model,
    })
    .from(ledger)
    .leftJoin(requestLog, eq(requestLog.id, ledger.requestId))
    .where(eq(ledger.accountId, accountId))
    // Commit order (rowid): a charge settled before a top-up may commit after it, and
    // balance_after follows the order of commits.
    .orderBy(desc(sql`${ledger}.rowid`))
    .limit(limit)
    .offset(offset)
    .all();
  const total = db.select({ n: count() }).from(ledger).where(eq(ledger.accountId, accountId)).get()?.n ?? 0;
  return {
    total,
    rows: rows.map(({ endpoint, model, ...r }) => ({
      ...r,
      description:
        r.kind === "charge"
          ? `${(endpoint && ENDPOINT_NAMES[endpoint]) ?? endpoint ?? "Request"} with ${model ?? "unknown model"}`
          : (r.note ?? (r.kind === "topup" ? "Top-up" : r.kind === "refund" ? "Refund" : "Adjustment")),
    })),
  };
}
