import type { Db } from "../../db/client.ts";
import { insertDelivery, updateDelivery } from "../../db/queries/alerts.ts";
import type { AccountState } from "../billing/account-book.ts";
import { amountToNumber } from "../billing/money.ts";
import { keyLimitReached } from "../billing/spend-limits.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import { newId } from "../core/ids.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { SIGNATURE_HEADER, sign } from "./signature.ts";
import { readWebhook } from "./webhook-config.ts";

export type AlertEvent = "account.low_balance" | "key.limit_reached" | "test";

export type AlertOptions = {
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled before each next one. */
  backoffMs: number;
  /** One attempt's deadline. */
  timeoutMs: number;
};

const DEFAULTS: AlertOptions = { maxAttempts: 5, backoffMs: 1000, timeoutMs: 10_000 };

/**
 * Alerts when an account falls below its low-balance threshold or a key reaches its spend
 * limit, posted to the configured webhook. Each crossing alerts once: an account alerts
 * again only after its balance went back to the threshold or above (a top-up), a key after
 * its limit bought a call again (a raised limit, a new budget period). What was alerted is
 * memory only: after a restart a still-low account alerts once more on its next charge.
 */
export class Alerts {
  readonly options: AlertOptions;
  private readonly lowAccounts = new Set<string>();
  private readonly keysAtLimit = new Set<string>();
  /** Deliveries still being attempted (tests and shutdown wait for them). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly cipher: Cipher,
    private readonly currency: string,
    options: Partial<AlertOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** After an account's balance moved (a charge, a top-up, an adjustment): alerts if it just fell below its threshold. */
  accountMoved(acct: AccountState, now: number): void {
    const low = acct.lowBalanceThreshold !== null && acct.balance < acct.lowBalanceThreshold;
    if (!low) {
      this.lowAccounts.delete(acct.id);
      return;
    }
    if (this.lowAccounts.has(acct.id)) return;
    this.lowAccounts.add(acct.id);
    this.send(
      "account.low_balance",
      {
        account: { id: acct.id, name: acct.name },
        balance: amountToNumber(acct.balance),
        threshold: amountToNumber(acct.lowBalanceThreshold ?? 0),
        currency: this.currency,
      },
      now,
    );
  }

  /** After a key was charged: alerts if its own spend limit no longer buys a call. */
  keyCharged(key: KeyRecord, models: readonly ModelRecord[], now: number): void {
    if (key.spendLimit === null) return;
    if (!keyLimitReached(key, models)) {
      this.keysAtLimit.delete(key.id);
      return;
    }
    if (this.keysAtLimit.has(key.id)) return;
    this.keysAtLimit.add(key.id);
    this.send(
      "key.limit_reached",
      {
        key: { id: key.id, name: key.name, account_id: key.accountId },
        spend_limit: amountToNumber(key.spendLimit),
        budget_period: key.budgetPeriod,
        currency: this.currency,
      },
      now,
    );
  }

  /** Resolves once every delivery started so far has succeeded or given up. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Logs the alert and posts it (in the background); without a webhook configured nothing is sent or logged. */
  send(event: AlertEvent, data: Record<string, unknown>, now: number): string | null {
    const hook = readWebhook(this.db, this.cipher);
    if (!hook) return null;
    const id = newId("alert");
    const body = JSON.stringify({ id, event, created_at: new Date(now).toISOString(), data });
    insertDelivery(this.db, {
      id,
      event,
      payload: body,
      url: hook.url,
      status: "pending",
      attempts: 0,
      responseStatus: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    const p = this.deliver(id, event, hook.url, sign(hook.secret, body), body).finally(() =>
      this.pending.delete(p),
    );
    this.pending.add(p);
    return id;
  }

  /** Attempts with exponential backoff; the row says after each attempt how it went. */
  private async deliver(id: string, event: AlertEvent, url: string, signature: string, body: string) {
    const { maxAttempts, backoffMs, timeoutMs } = this.options;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let responseStatus: number | null = null;
      let lastError: string | null = null;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [SIGNATURE_HEADER]: signature,
            "x-tollgate-event": event,
            "x-tollgate-delivery": id,
          },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(timeoutMs),
        });
        responseStatus = res.status;
        await res.body?.cancel();
        if (res.ok) {
          updateDelivery(this.db, id, {
            status: "delivered",
            attempts: attempt,
            responseStatus,
            lastError: null,
            updatedAt: Date.now(),
          });
          return;
        }
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      const last = attempt === maxAttempts;
      updateDelivery(this.db, id, {
        status: last ? "failed" : "pending",
        attempts: attempt,
        responseStatus,
        lastError: lastError.slice(0, 500),
        updatedAt: Date.now(),
      });
      if (!last) await Bun.sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
}
