import { createTransport, type Transporter } from "nodemailer";
import type { Db } from "../../db/client.ts";
import { insertMail, type MailRow, updateMail } from "../../db/queries/identity.ts";
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
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
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
   * log the outcome (alerts); the sign-in flow ignores it, so its answer never waits.
   */
  send(mail: Mail, now: number): Promise<MailOutcome> {
    const id = newId("mail");
    const row: MailRow = {
      id,
      to: mail.to,
      subject: mail.subject,
      text: this.transport ? null : mail.text,
      purpose: mail.purpose,
      transport: this.kind,
      status: this.transport ? "queued" : "stored",
      error: null,
      createdAt: now,
      sentAt: null,
    };
    insertMail(this.db, row);
    const transport = this.transport;
    if (!transport) return Promise.resolve({ id, status: "stored", error: null });
    let outcome: MailOutcome = { id, status: "sent", error: null };
    const delivery = transport
      .sendMail({ from: this.opts.from, to: mail.to, subject: mail.subject, text: mail.text })
      .then(
        () => updateMail(this.db, id, { status: "sent", sentAt: Date.now() }),
        (err: unknown) => {
          const error = err instanceof Error ? err.message.slice(0, 300) : String(err);
          outcome = { id, status: "failed", error };
          updateMail(this.db, id, { status: "failed", error });
          console.error(JSON.stringify({ level: "error", msg: "mail delivery failed", mail_id: id, error }));
        },
      )
      .catch(() => {
        // the database is closing: nothing left to record it in
      })
      .finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return delivery.then(() => outcome);
  }

  /** Waits for deliveries in flight (shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  close(): void {
    this.transport?.close();
  }
}
