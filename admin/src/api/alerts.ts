import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeliveryView, EmailView, WebhookView } from "../../../server/admin/alerts/model.ts";
import { api, type Page } from "./client.ts";

export const alertKeys = {
  all: ["alerts"] as const,
  webhook: () => [...alertKeys.all, "webhook"] as const,
  email: () => [...alertKeys.all, "email"] as const,
  deliveries: (offset: number) => [...alertKeys.all, "deliveries", offset] as const,
};

export const useWebhook = () =>
  useQuery({ queryKey: alertKeys.webhook(), queryFn: () => api<WebhookView>("/alerts/webhook") });

export const useAlertEmail = () =>
  useQuery({ queryKey: alertKeys.email(), queryFn: () => api<EmailView>("/alerts/email") });

export function useSetAlertEmail() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (recipients: string[]) =>
      api<EmailView>("/alerts/email", { method: "PUT", body: { recipients } }),
    onSuccess: (v) => qc.setQueryData(alertKeys.email(), v),
  });
}

export const useDeliveries = (offset: number, limit = 20) =>
  useQuery({
    queryKey: alertKeys.deliveries(offset),
    queryFn: () => api<Page<DeliveryView>>("/alerts/deliveries", { query: { limit, offset } }),
    placeholderData: keepPreviousData,
    // Retries land in the background: the log follows them.
    refetchInterval: 5_000,
  });

export function useSetWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string; secret: string } | null) =>
      body
        ? api<WebhookView>("/alerts/webhook", { method: "PUT", body })
        : api<WebhookView>("/alerts/webhook", { method: "DELETE" }),
    onSuccess: (v) => qc.setQueryData(alertKeys.webhook(), v),
  });
}

export function useTestAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ id: string | null; ids: string[] }>("/alerts/test", { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}
