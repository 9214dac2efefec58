import type { Store } from "../../db/store.ts";
import type { AccountState } from "../billing/account-book.ts";
import { amountToNumber } from "../billing/money.ts";
import { keyLimitReached } from "../billing/spend-limits.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import { newId } from "../core/ids.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { type AlertEvent, type AlertMail, alertMail } from "./alert-mail.ts";
import { parseRecipients, RECIPIENTS_SETTING } from "./email-config.ts";
import { SIGNATURE_HEADER, sign } from "./signature.ts";
import { parseWebhook, storedWebhook, WEBHOOK_SETTING, type WebhookConfig } from "./webhook-config.ts";

export type { AlertEvent };

/**
 * The gateway's one mail path (identity/mailer.ts, wired by start.ts): SMTP when
 * `identity.mail.smtp` is set, else the outbox keeps the message.
 */
export type AlertMailer = {
  readonly kind: "smtp" | "outbox";
  send(mail: AlertMail, now: number): Promise<{ status: "stored" | "sent" | "failed"; error: string | null }>;
};

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
 * limit, posted to the configured webhook and mailed to the configured recipients. Each crossing alerts once: an account alerts
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
  private mailer: AlertMailer | null = null;
  private panelUrl: string | null = null;
  /** Where alerts go, in memory: `send` runs on the request path and answers its ids at once. */
  private hook: WebhookConfig | null = null;
  private mailTo: readonly string[] = [];

  constructor(
    private readonly store: Pick<Store, "alerts" | "settings">,
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

  /** Reads the webhook and the recipients (start and every reload: a change another process made). */
  async load(): Promise<void> {
    const [hook, mailTo] = await Promise.all([
      this.store.settings.read(WEBHOOK_SETTING),
      this.store.settings.read(RECIPIENTS_SETTING),
    ]);
    this.hook = parseWebhook(hook, this.cipher);
    this.mailTo = parseRecipients(mailTo);
  }

  get webhook(): WebhookConfig | null {
    return this.hook;
  }

  get recipients(): readonly string[] {
    return this.mailTo;
  }

  /** Stores the webhook (null: none), then alerts use it. */
  async setWebhook(config: WebhookConfig | null): Promise<void> {
    if (config === null) await this.store.settings.delete(WEBHOOK_SETTING);
    else await this.store.settings.upsert(WEBHOOK_SETTING, storedWebhook(config, this.cipher));
    this.hook = config;
  }

  /** Stores the recipients (none: alerts are not mailed), then alerts use them. */
  async setRecipients(recipients: readonly string[]): Promise<void> {
    if (recipients.length === 0) await this.store.settings.delete(RECIPIENTS_SETTING);
    else await this.store.settings.upsert(RECIPIENTS_SETTING, JSON.stringify(recipients));
    this.mailTo = [...recipients];
  }

  /** Mails alerts through the gateway's mailer from now on; `panelUrl` (server.public_url) links the mail to the panel. */
  mailThrough(mailer: AlertMailer, panelUrl: string | null): void {
    this.mailer = mailer;
    this.panelUrl = panelUrl;
  }

  /** How alert mail leaves: null when no mailer is wired (the CLI). */
  get mailKind(): AlertMailer["kind"] | null {
    return this.mailer?.kind ?? null;
  }

  /** Resolves once every delivery started so far has succeeded or given up. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Logs the alert once per channel (the webhook, each recipient) and delivers it in the
   * background; returns the delivery ids, none when neither is configured.
   */
  send(event: AlertEvent, data: Record<string, unknown>, now: number): string[] {
    const ids: string[] = [];
    const hook = this.hook;
    if (hook) {
      const { id, body, logged } = this.log(event, data, hook.url, now);
      this.track(logged.then(() => this.deliver(id, event, hook.url, sign(hook.secret, body), body)));
      ids.push(id);
    }
    const mailer = this.mailer;
    if (mailer)
      for (const to of this.mailTo) {
        const { id, body, logged } = this.log(event, data, `mailto:${to}`, now);
        const mail = alertMail(to, event, body, data, this.panelUrl);
        this.track(
          Promise.all([mailer.send(mail, now), logged]).then(([o]) =>
            this.store.alerts.updateDelivery(id, {
              status: o.status === "sent" ? "delivered" : o.status,
              attempts: 1,
              responseStatus: null,
              lastError: o.error,
              updatedAt: Date.now(),
            }),
          ),
        );
        ids.push(id);
      }
    return ids;
  }

  /**
   * One delivery row, pending; its payload is the alert as JSON with the row's own id.
   * `logged` resolves once the row is stored (on SQLite when this returns): its updates wait for it.
   */
  private log(event: AlertEvent, data: Record<string, unknown>, url: string, now: number) {
    const id = newId("alert");
    const body = JSON.stringify({ id, event, created_at: new Date(now).toISOString(), data });
    const logged = this.store.alerts.insertDelivery({
      id,
      event,
      payload: body,
      url,
      status: "pending",
      attempts: 0,
      responseStatus: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    return { id, body, logged };
  }

  private track(delivery: Promise<void>): void {
    const p = delivery
      .catch((err) =>
        console.error(
          JSON.stringify({ level: "error", msg: "alert delivery not recorded", error: String(err) }),
        ),
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
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
          await this.store.alerts.updateDelivery(id, {
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
      await this.store.alerts.updateDelivery(id, {
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
