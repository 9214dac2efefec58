import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  ConnectionTest,
  CreateProvider,
  ProviderView,
  UpdateProvider,
} from "../../../server/admin/providers/model.ts";
import { api, type List } from "./client.ts";

export const providerKeys = {
  all: ["providers"] as const,
  list: () => [...providerKeys.all, "list"] as const,
  upstream: (id: string) => [...providerKeys.all, "upstream-models", id] as const,
};

const testProvider = (id: string) =>
  api<ConnectionTest>(`/providers/${encodeURIComponent(id)}/test`, { method: "POST" });

export const useProviders = () =>
  useQuery({ queryKey: providerKeys.list(), queryFn: () => api<List<ProviderView>>("/providers") });

export function useCreateProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof CreateProvider>) =>
      api<ProviderView>("/providers", { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: providerKeys.all }),
  });
}

export function useUpdateProvider(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof UpdateProvider>) =>
      api<ProviderView>(`/providers/${encodeURIComponent(id)}`, { method: "PATCH", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: providerKeys.all }),
  });
}

export function useDeleteProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ id: string; deleted: true }>(`/providers/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: providerKeys.all }),
  });
}

/** Test connection; what it listed also feeds the route editor's model picker. */
export function useTestProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: testProvider,
    onSuccess: (t, id) => qc.setQueryData(providerKeys.upstream(id), t),
  });
}

/**
 * The models a provider lists upstream, for the route editor's picker: asked once per
 * provider and kept for 5 minutes (each ask is a call to the upstream).
 */
export const useUpstreamModels = (id: string) =>
  useQuery({
    queryKey: providerKeys.upstream(id),
    queryFn: () => testProvider(id),
    enabled: id !== "",
    staleTime: 5 * 60_000,
    retry: false,
  });
