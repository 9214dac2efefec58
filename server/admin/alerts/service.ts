import type { AdminServices } from "../services.ts";

export type AlertsDeps = Pick<AdminServices, "store" | "alerts">;

import { iso } from "../shared.ts";
import type { DeliveryView, EmailView, WebhookView } from "./model.ts";

const view = (gw: AlertsDeps): WebhookView => {
  const hook = gw.alerts.webhook;
  return { url: hook?.url ?? null, secret_set: hook !== null };
};

const emailView = (gw: AlertsDeps): EmailView => ({
  recipients: [...gw.alerts.recipients],
  transport: gw.alerts.mailKind,
});

export const alertsService = {
  webhook: view,

  async setWebhook(gw: AlertsDeps, input: { url: string; secret: string } | null): Promise<WebhookView> {
    await gw.alerts.setWebhook(input);
    return view(gw);
  },

  email: emailView,

  async setEmail(gw: AlertsDeps, input: { recipients: string[] }): Promise<EmailView> {
    // One address once, however it was typed (EmailInput trims and lowers them).
    await gw.alerts.setRecipients([...new Set(input.recipients)]);
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
