import type { AccountState, LedgerKind } from "../../billing/account-book.ts";
import { amountToNumber, formatAmount } from "../../billing/money.ts";
import { listTransactions } from "../../billing/transactions.ts";
import { GatewayError, notFound } from "../../errors.ts";
import type { AdminServices } from "../services.ts";
import { daysBack, dayView, iso } from "../shared.ts";
import type { AccountUsage, AccountView, LedgerEntryView } from "./model.ts";

/** What this resource reads and writes. */
export type AccountsDeps = Pick<AdminServices, "store" | "book" | "keys" | "settings">;

export function accountView(gw: AccountsDeps, a: AccountState): AccountView {
  return {
    id: a.id,
    name: a.name,
    balance: amountToNumber(a.balance),
    used: amountToNumber(a.used),
    reserved: amountToNumber(a.reserved),
    status: a.status,
    low_balance_threshold: a.lowBalanceThreshold === null ? null : amountToNumber(a.lowBalanceThreshold),
    low: a.lowBalanceThreshold !== null && a.balance < a.lowBalanceThreshold,
    currency: gw.settings.currency,
    keys: gw.keys.all().filter((k) => k.accountId === a.id).length,
    created_at: iso(a.createdAt)!,
  };
}

function account(gw: AccountsDeps, id: string): AccountState {
  const a = gw.book.get(id);
  if (!a) throw notFound(`No account with id '${id}'.`, "account_not_found");
  return a;
}

export const accountsService = {
  list(gw: AccountsDeps): AccountView[] {
    return gw.book
      .all()
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((a) => accountView(gw, a));
  },

  get(gw: AccountsDeps, id: string): AccountView {
    return accountView(gw, account(gw, id));
  },

  async create(gw: AccountsDeps, input: { name: string; balance?: number }): Promise<AccountView> {
    if (await gw.store.accounts.named(input.name)) {
      throw new GatewayError("conflict", `An account named '${input.name}' already exists.`, {
        code: "account_exists",
        param: "name",
      });
    }
    return accountView(
      gw,
      await gw.book.create({ name: input.name, balance: input.balance ?? 0 }, Date.now()),
    );
  },

  /** Suspends or resumes the account, or sets its low-balance threshold. */
  async update(
    gw: AccountsDeps,
    id: string,
    input: { status?: "active" | "suspended"; low_balance_threshold?: number | null },
  ): Promise<AccountView> {
    account(gw, id);
    const set: Parameters<typeof gw.book.update>[1] = {};
    if (input.status !== undefined) set.status = input.status;
    if (input.low_balance_threshold !== undefined) set.lowBalanceThreshold = input.low_balance_threshold;
    const a = Object.keys(set).length ? await gw.book.update(id, set) : gw.book.get(id);
    if (!a) throw notFound(`No account with id '${id}'.`, "account_not_found");
    return accountView(gw, a);
  },

  /** A top-up (positive), a refund (positive, with a note) or an adjustment (signed, with a note). */
  async credit(
    gw: AccountsDeps,
    id: string,
    input: { amount: number; note?: string },
    kind: "topup" | "refund" | "adjustment",
  ) {
    const a = account(gw, id);
    if (a.balance + input.amount < a.reserved) {
      throw new GatewayError(
        "invalid_request",
        `This would take the balance below the ${formatAmount(a.reserved)} ${gw.settings.currency} reserved by requests in flight.`,
        {
          code: "balance_below_reserved",
          param: "amount",
        },
      );
    }
    // The check above and the memory move inside credit() happen in this one turn.
    const write = gw.book.credit(id, input.amount, kind, input.note ?? null, Date.now());
    if (!write) throw notFound(`No account with id '${id}'.`, "account_not_found");
    const r = await write;
    return {
      account_id: id,
      entry_id: r.entryId,
      amount: amountToNumber(input.amount),
      balance: amountToNumber(r.balanceAfter),
      currency: gw.settings.currency,
    };
  },

  async ledger(
    gw: AccountsDeps,
    id: string,
    limit: number,
    offset: number,
    kinds: LedgerKind[] | null = null,
  ): Promise<{ data: LedgerEntryView[]; total: number; limit: number; offset: number }> {
    account(gw, id);
    const page = await listTransactions(gw.store.ledger, id, limit, offset, kinds);
    return {
      data: page.rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        amount: amountToNumber(r.amount),
        balance_after: amountToNumber(r.balanceAfter),
        key_id: r.keyId,
        request_id: r.requestId,
        description: r.description,
        created_at: iso(r.createdAt)!,
      })),
      total: page.total,
      limit,
      offset,
    };
  },

  /** Requests, tokens and spend of the account per UTC day, the last `days` days (days without traffic left out). */
  async usage(gw: AccountsDeps, id: string, days: number, now = Date.now()): Promise<AccountUsage> {
    account(gw, id);
    const daily = await gw.store.requests.accountDaily(id, daysBack(days, now));
    return {
      account_id: id,
      currency: gw.settings.currency,
      days,
      daily: daily.map(dayView),
    };
  },
};
