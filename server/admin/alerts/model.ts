import { z } from "zod";

export const WebhookInput = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  /** Shared with the receiver, which checks X-Tollgate-Signature with it. Never shown again. */
  secret: z.string().min(16).max(500),
});

export const EmailInput = z.object({
  /** Every alert is mailed to each address; an empty list stops alert mail. */
  recipients: z.array(z.string().trim().toLowerCase().pipe(z.email().max(320))).max(20),
});

/** `transport`: how alert mail leaves (smtp, or kept in the outbox when identity.mail.smtp is unset). */
export type EmailView = { recipients: string[]; transport: "smtp" | "outbox" | null };

export type WebhookView = { url: string | null; secret_set: boolean };

export type DeliveryView = {
  id: string;
  event: string;
  /** `webhook`, or `email` (then `url` is `mailto:` the recipient). */
  channel: "webhook" | "email";
  url: string;
  /** `stored`: an e-mail kept in the outbox, as no SMTP server is configured. */
  status: "pending" | "delivered" | "stored" | "failed";
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  payload: unknown;
  created_at: string;
  updated_at: string;
};
