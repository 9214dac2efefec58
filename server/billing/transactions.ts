import type { Store } from "../../db/store.ts";
import type { LedgerKind } from "./account-book.ts";

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
export async function listTransactions(
  ledger: Store["ledger"],
  accountId: string,
  limit: number,
  offset: number,
  /** Only these kinds (e.g. top-ups without the one charge per request); null: all. */
  kinds: readonly LedgerKind[] | null = null,
): Promise<{ rows: TransactionRow[]; total: number }> {
  const { rows, total } = await ledger.page(accountId, limit, offset, kinds);
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
