import { useQuery } from "@tanstack/react-query";
import type { CatalogEntry } from "../../../server/catalog/model-catalog.ts";
import { ApiError, api } from "./client.ts";

export type CatalogAnswer = CatalogEntry & { deployment_currency: string };

/** What the installed model catalog knows about an upstream model; null when it does not know it. */
export const useCatalogEntry = (provider: string, upstream: string) =>
  useQuery({
    queryKey: ["catalog", provider, upstream],
    queryFn: async () => {
      try {
        const path = `/catalog/models/${upstream.split("/").map(encodeURIComponent).join("/")}`;
        return await api<CatalogAnswer>(path, { query: { provider } });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    enabled: provider !== "" && upstream.trim() !== "",
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
