import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { RequestView } from "../../../server/admin/requests/model.ts";
import { adminUrl, api, type Page } from "./client.ts";

export type RequestFilters = {
  key_id?: string;
  model?: string;
  status?: string;
  outcome?: string;
  /** errors, 4xx or 5xx. */
  status_class?: string;
  /** A request id, part of a key's or account's name, or a key. */
  q?: string;
  /** ISO 8601 times: from inclusive, to exclusive. */
  from?: string;
  to?: string;
};

export const requestKeys = {
  all: ["requests"] as const,
  list: (f: RequestFilters, offset: number, limit: number) =>
    [...requestKeys.all, "list", f, offset, limit] as const,
  one: (id: string) => [...requestKeys.all, "one", id] as const,
};

export const useRequests = (filters: RequestFilters, offset: number, limit = 25) =>
  useQuery({
    queryKey: requestKeys.list(filters, offset, limit),
    queryFn: () => api<Page<RequestView>>("/requests", { query: { ...filters, offset, limit } }),
    placeholderData: keepPreviousData,
  });

export const useRequest = (id: string) =>
  useQuery({ queryKey: requestKeys.one(id), queryFn: () => api<RequestView>(`/requests/${id}`) });

/** Where the CSV of the filtered log downloads from (streamed by the server, any range). */
export const requestsCsvUrl = (f: RequestFilters) => adminUrl("/exports/requests.csv", f);
