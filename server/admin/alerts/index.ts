import { Elysia } from "elysia";
import { PageQuery } from "../shared.ts";
import { EmailInput, WebhookInput } from "./model.ts";
import type { AlertsDeps } from "./service.ts";
import { alertsService as svc } from "./service.ts";

const tags = ["Admin: alerts"];

export const alertsAdmin = (gw: AlertsDeps) =>
  new Elysia({ name: "admin-alerts" })
    .get("/alerts/webhook", () => svc.webhook(gw), {
      detail: { summary: "The alert webhook's URL (the secret is never shown)", tags },
    })
    .put("/alerts/webhook", ({ body }) => svc.setWebhook(gw, body), {
      body: WebhookInput,
      detail: { summary: "Set the alert webhook's URL and signing secret", tags },
    })
    .delete("/alerts/webhook", () => svc.setWebhook(gw, null), {
      detail: { summary: "Stop sending alerts", tags },
    })
    .get("/alerts/email", () => svc.email(gw), {
      detail: { summary: "Who alerts are mailed to, and whether mail goes out over SMTP", tags },
    })
    .put("/alerts/email", ({ body }) => svc.setEmail(gw, body), {
      body: EmailInput,
      detail: { summary: "Set the addresses alerts are mailed to (an empty list stops alert mail)", tags },
    })
    .post("/alerts/test", () => svc.test(gw), {
      detail: { summary: "Send a test alert to the webhook now", tags },
    })
    .get("/alerts/deliveries", ({ query }) => svc.deliveries(gw, query.limit, query.offset), {
      query: PageQuery,
      detail: { summary: "Alert deliveries, newest first: status, attempts, the receiver's answer", tags },
    });
