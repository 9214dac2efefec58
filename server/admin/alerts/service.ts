import { readRecipients, writeRecipients } from "../../alerts/email-config.ts";
import { readWebhook, writeWebhook } from "../../alerts/webhook-config.ts";
import type { AdminServices } from "../services.ts";

export type AlertsDeps = Pick<AdminServices, "db" | "store" | "cipher" | "alerts">;

import { iso } from "../shared.ts";
import type { DeliveryView, EmailView, WebhookView } from "./model.ts";

const view = (gw: AlertsDeps): WebhookView => {
  const hook = readWebhook(gw.db, gw.cipher);
  return { url: hook?.url ?? null, secret_set: hook !== null };
};

const emailView = (gw: AlertsDeps): EmailView => ({
  recipients: readRecipients(gw.db),
  transport: gw.alerts.mailKind,
});

export const alertsService = {
  webhook: view,

  setWebhook(gw: AlertsDeps, input: { url: string; secret: string } | null): WebhookView {
    writeWebhook(gw.db, gw.cipher, input);
    return view(gw);
  },

  email: emailView,

  setEmail(gw: AlertsDeps, input: { recipients: string[] }): EmailView {
    // One address once, however it was typed (EmailInput trims and lowers them).
    writeRecipients(gw.db, [...new Set(input.recipients)]);
    return emailView(gw);
  },

  /** Sends a `test` alert now to the webhook and each recipient, logged like any other; `id` null when none is configured. */
  test(gw: AlertsDeps): { id: string | null; ids: string[] } {
    const ids = gw.alerts.send("test", { message: "A test alert from Tollgate." }, Date.now());
    return { id: ids[0] ?? null, ids };
  },

  async deliveries(gw: AlertsDeps, limit: number, offset: number) {
    const { rows, total } = await gw.store.alerts.deliveryPage(limit, offset);
    const data: DeliveryView[] = rows.map((r) => ({
      id: r.id,
      event: r.event,
      channel: r.url.startsWith("mailto:") ? "email" : "webhook",
      url: r.url,
      status: r.status,
      attempts: r.attempts,
      response_status: r.responseStatus,
      last_error: r.lastError,
      payload: JSON.parse(r.payload),
      created_at: iso(r.createdAt)!,
      updated_at: iso(r.updatedAt)!,
    }));
    return { data, total, limit, offset };
  },
};
