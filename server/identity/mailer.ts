import { createTransport, type Transporter } from "nodemailer";
import type { MailRow } from "../../db/queries/identity.ts";
import type { Store } from "../../db/store.ts";
import { newId } from "../core/ids.ts";

export type Mail = { to: string; subject: string; text: string; purpose: MailRow["purpose"] };

/** How a mail went: kept in the outbox (no SMTP), accepted by the mail server, or refused. */
export type MailOutcome = { id: string; status: "stored" | "sent" | "failed"; error: string | null };

/**
 * Sends the gateway's mail. Without SMTP the outbox table is the transport: the message is
 * kept whole for the operator to read (admin API, later the panel), so a deployment
 * without a mail server still signs people up. With SMTP (nodemailer) each delivery is
 * recorded in the outbox without its text (it holds sign-in codes), with its status.
 *
 * `send` never waits for the mail server: an answer that took longer when a mail went out
 * would tell whether the address is registered.
 */
export class Mailer {
  private readonly transport: Transporter | null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: Pick<Store, "identity">,
    private readonly opts: { from: string; smtp?: string },
  ) {
    // Bounded waits (nodemailer's defaults are minutes): a stuck mail server must not hold a shutdown.
    this.transport = opts.smtp
      ? createTransport({
          url: opts.smtp,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })
      : null;
  }

  get kind(): "smtp" | "outbox" {
    return this.transport ? "smtp" : "outbox";
  }

  get from(): string {
    return this.opts.from;
  }

  /**
   * Records the mail and hands it to SMTP in the background. The promise is for callers that
   * log the outcome (alerts); the sign-in flow uses `post`, so its answer never waits.
   */
  send(mail: Mail, now: number): Promise<MailOutcome> {
    return this.post(mail, now).outcome;
  }

  /**
   * Records the mail and hands it to SMTP in the background: `stored` resolves once the
   * outbox row is written (what a sign-in waits for: the same one write whatever the address),
   * `outcome` once the mail server answered (never rejects).
   */
  post(mail: Mail, now: number): { stored: Promise<void>; outcome: Promise<MailOutcome> } {
    const id = newId("mail");
    const transport = this.transport;
    const row: MailRow = {
      id,
      to: mail.to,
      subject: mail.subject,
      text: transport ? null : mail.text,
      purpose: mail.purpose,
      transport: this.kind,
      status: transport ? "queued" : "stored",
      error: null,
      createdAt: now,
      sentAt: null,
    };
    const db = this.store.identity;
    const stored = db.insertMail(row);
    const failed = (err: unknown): MailOutcome => {
      const error = err instanceof Error ? err.message.slice(0, 300) : String(err);
      console.error(JSON.stringify({ level: "error", msg: "mail delivery failed", mail_id: id, error }));
      return { id, status: "failed", error };
    };
    const delivery: Promise<MailOutcome> = stored
      .then(async (): Promise<MailOutcome> => {
        if (!transport) return { id, status: "stored", error: null };
        try {
          await transport.sendMail({
            from: this.opts.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
          });
        } catch (err) {
          const outcome = failed(err);
          await db.updateMail(id, { status: "failed", error: outcome.error });
          return outcome;
        }
        await db.updateMail(id, { status: "sent", sentAt: Date.now() });
        return { id, status: "sent", error: null };
      })
      // the row could not be written (the database is closing): nothing left to record it in
      .catch(failed)
      .finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return { stored, outcome: delivery };
  }

  /** Waits for deliveries in flight (shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  close(): void {
    this.transport?.close();
  }
}
