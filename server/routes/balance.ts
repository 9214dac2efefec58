import { Elysia } from "elysia";
import { z } from "zod";
import type { Store } from "../../db/store.ts";
import { limitSpent } from "../billing/budget-period.ts";
import { amountToNumber } from "../billing/money.ts";
import { listTransactions } from "../billing/transactions.ts";
import type { CallServices } from "../gateway/call-services.ts";
import { authenticateReader } from "../http/client-auth.ts";

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The caller's own balance and ledger, in the shapes of the AIGate guide and the LLM Gateway reference. */
export const balanceRoutes = (
  gw: Pick<CallServices, "keys" | "book" | "limiter" | "settings"> & { readonly store: Store },
) =>
  new Elysia({ name: "client-balance" })
    .get(
      "/v1/balance",
      ({ request, set }) => {
        const key = authenticateReader(gw, request, set.headers as Record<string, string>);
        const acct = gw.book.get(key.accountId)!;
        const remaining =
          key.spendLimit === null ? acct.balance : Math.min(acct.balance, key.spendLimit - limitSpent(key));
        return {
          balance: amountToNumber(acct.balance),
          used: amountToNumber(acct.used),
          currency: gw.settings.currency,
          token: {
            remaining: amountToNumber(Math.max(0, remaining)),
            used: amountToNumber(key.used),
            unlimited_quota: key.spendLimit === null,
          },
        };
      },
      { detail: { summary: "Balance of the caller's account and key", tags: ["Billing"] } },
    )
    .get(
      "/billing/balance",
      ({ request, set }) => {
        const key = authenticateReader(gw, request, set.headers as Record<string, string>);
        const acct = gw.book.get(key.accountId)!;
        return { user_id: acct.id, balance: amountToNumber(acct.balance), currency: gw.settings.currency };
      },
      { detail: { summary: "Balance of the caller's account", tags: ["Billing"] } },
    )
    .get(
      "/billing/transactions",
      async ({ request, query, set }) => {
        const key = authenticateReader(gw, request, set.headers as Record<string, string>);
        const page = await listTransactions(gw.store.ledger, key.accountId, query.limit, query.offset);
        return {
          user_id: key.accountId,
          transactions: page.rows.map((t) => ({
            id: t.id,
            user_id: key.accountId,
            amount: amountToNumber(t.amount),
            description: t.description,
            timestamp: new Date(t.createdAt).toISOString(),
            balance_after: amountToNumber(t.balanceAfter),
          })),
          limit: query.limit,
          offset: query.offset,
          total: page.total,
        };
      },
      { query: Page, detail: { summary: "The caller's ledger, newest first", tags: ["Billing"] } },
    );
