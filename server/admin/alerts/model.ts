import { z } from "zod";

export const WebhookInput = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  /** Shared with the receiver, which checks X-Tollgate-Signature with it. Never shown again. */
  secret: z.string().min(16).max(500),
});

export type WebhookView = { url: string | null; secret_set: boolean };

export type DeliveryView = {
  id: string;
  event: string;
  url: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  payload: unknown;
  created_at: string;
  updated_at: string;
};
