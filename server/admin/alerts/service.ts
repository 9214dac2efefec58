import { deliveryPage } from "../../../db/queries/alerts.ts";
import { readWebhook, writeWebhook } from "../../alerts/webhook-config.ts";
import type { AdminServices } from "../services.ts";

export type AlertsDeps = Pick<AdminServices, "db" | "cipher" | "alerts">;

import { iso } from "../shared.ts";
import type { DeliveryView, WebhookView } from "./model.ts";

const view = (gw: AlertsDeps): WebhookView => {
  const hook = readWebhook(gw.db, gw.cipher);
  return { url: hook?.url ?? null, secret_set: hook !== null };
};

export const alertsService = {
  webhook: view,

  setWebhook(gw: AlertsDeps, input: { url: string; secret: string } | null): WebhookView {
    writeWebhook(gw.db, gw.cipher, input);
    return view(gw);
  },

  /** Sends a `test` alert now, logged like any other; null when no webhook is configured. */
  test(gw: AlertsDeps): { id: string | null } {
    return { id: gw.alerts.send("test", { message: "A test alert from Tollgate." }, Date.now()) };
  },

  deliveries(gw: AlertsDeps, limit: number, offset: number) {
    const { rows, total } = deliveryPage(gw.db, limit, offset);
    const data: DeliveryView[] = rows.map((r) => ({
      id: r.id,
      event: r.event,
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
