import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  AccountView,
  CreateAccount,
  LedgerEntryView,
  Topup,
} from "../../../server/admin/accounts/model.ts";
import { adminUrl, api, type List, type Page } from "./client.ts";

export const accountKeys = {
  all: ["accounts"] as const,
  list: () => [...accountKeys.all, "list"] as const,
  one: (id: string) => [...accountKeys.all, "one", id] as const,
  ledger: (id: string, offset: number) => [...accountKeys.all, "ledger", id, offset] as const,
};

export type TopupResult = {
  account_id: string;
  entry_id: string;
  amount: number;
  balance: number;
  currency: string;
};

export const useAccounts = () =>
  useQuery({ queryKey: accountKeys.list(), queryFn: () => api<List<AccountView>>("/accounts") });

export const useAccount = (id: string) =>
  useQuery({ queryKey: accountKeys.one(id), queryFn: () => api<AccountView>(`/accounts/${id}`) });

export const useLedger = (id: string, offset: number, limit = 20) =>
  useQuery({
    queryKey: accountKeys.ledger(id, offset),
    queryFn: () => api<Page<LedgerEntryView>>(`/accounts/${id}/ledger`, { query: { limit, offset } }),
    placeholderData: keepPreviousData,
  });

export function useCreateAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof CreateAccount>) =>
      api<AccountView>("/accounts", { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

export function useTopup(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof Topup>) =>
      api<TopupResult>(`/accounts/${id}/topups`, { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

/** Where one account's ledger downloads as CSV, for a time range (ISO instants; empty: open-ended). */
export const ledgerCsvUrl = (accountId: string, range: { from?: string; to?: string }) =>
  adminUrl("/exports/ledger.csv", { account_id: accountId, ...range });
