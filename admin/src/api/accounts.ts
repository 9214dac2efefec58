import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  AccountView,
  CreateAccount,
  LedgerEntryView,
  Topup,
  UpdateAccount,
} from "../../../server/admin/accounts/model.ts";
import { adminUrl, api, type List, type Page } from "./client.ts";

export const accountKeys = {
  all: ["accounts"] as const,
  list: () => [...accountKeys.all, "list"] as const,
  one: (id: string) => [...accountKeys.all, "one", id] as const,
  ledger: (id: string, offset: number, kinds: string) =>
    [...accountKeys.all, "ledger", id, offset, kinds] as const,
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

/** `kinds`: comma-separated ledger kinds to show ("" for all). */
export const useLedger = (id: string, offset: number, limit = 20, kinds = "") =>
  useQuery({
    queryKey: accountKeys.ledger(id, offset, kinds),
    queryFn: () =>
      api<Page<LedgerEntryView>>(`/accounts/${id}/ledger`, {
        query: { limit, offset, kind: kinds || undefined },
      }),
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

/** A refund (positive, with a note) or an adjustment (signed, with a note). */
export function useCorrection(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, ...body }: { kind: "refund" | "adjustment"; amount: string; note: string }) =>
      api<TopupResult>(`/accounts/${id}/${kind === "refund" ? "refunds" : "adjustments"}`, {
        method: "POST",
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

/** Suspend or resume, or set the low-balance threshold. */
export function useUpdateAccount(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof UpdateAccount>) =>
      api<AccountView>(`/accounts/${id}`, { method: "PATCH", body }),
    onSuccess: (a) => {
      qc.setQueryData(accountKeys.one(id), a);
      qc.invalidateQueries({ queryKey: accountKeys.all });
      qc.invalidateQueries({ queryKey: ["stats"] });
    },
  });
}

/** Where one account's ledger downloads as CSV, for a time range (ISO instants; empty: open-ended). */
export const ledgerCsvUrl = (accountId: string, range: { from?: string; to?: string }) =>
  adminUrl("/exports/ledger.csv", { account_id: accountId, ...range });
