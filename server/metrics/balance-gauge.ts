import { Gauge } from "prom-client";
import type { AccountBook } from "../billing/account-book.ts";
import { UNITS_PER_CURRENCY } from "../billing/money.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The LLM Gateway reference's `user_balance{user_id}` gauge, one series per account (its
 * id is the `user_id` /billing/balance answers with). Opt-in (`metrics.balance_gauge`):
 * a series per account grows with the accounts. Read from memory when scraped.
 */
export function addBalanceGauge(metrics: Metrics, book: Pick<AccountBook, "all">, currency: string): void {
  new Gauge({
    name: "user_balance",
    help: `Current balance of each account, in ${currency}`,
    labelNames: ["user_id", "currency"],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const a of book.all()) this.set({ user_id: a.id, currency }, a.balance / UNITS_PER_CURRENCY);
    },
  });
}
