import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { CreateKey, KeyUsage, KeyView, UpdateKey } from "../../../server/admin/keys/model.ts";
import { accountKeys } from "./accounts.ts";
import { api, type List } from "./client.ts";

export const keyKeys = {
  all: ["keys"] as const,
  list: (accountId?: string, status?: string) =>
    [...keyKeys.all, "list", accountId ?? "all", status ?? "any"] as const,
  one: (id: string) => [...keyKeys.all, "one", id] as const,
  usage: (id: string) => [...keyKeys.all, "usage", id] as const,
};

export const useKeys = (accountId?: string, status?: KeyView["status"]) =>
  useQuery({
    queryKey: keyKeys.list(accountId, status),
    queryFn: () => api<List<KeyView>>("/keys", { query: { account_id: accountId, status } }),
  });

export const useKey = (id: string) =>
  useQuery({ queryKey: keyKeys.one(id), queryFn: () => api<KeyView>(`/keys/${id}`) });

export const useKeyUsage = (id: string) =>
  useQuery({ queryKey: keyKeys.usage(id), queryFn: () => api<KeyUsage>(`/keys/${id}/usage`) });

export function useIssueKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof CreateKey>) =>
      api<KeyView & { key: string }>("/keys", { method: "POST", body }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keyKeys.all });
      qc.invalidateQueries({ queryKey: accountKeys.all });
    },
  });
}

export function useUpdateKey(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof UpdateKey>) => api<KeyView>(`/keys/${id}`, { method: "PATCH", body }),
    onSuccess: (key) => {
      qc.setQueryData(keyKeys.one(id), key);
      qc.invalidateQueries({ queryKey: keyKeys.all });
    },
  });
}
