import { useQuery } from "@tanstack/react-query";
import type { StatsView } from "../../../server/admin/stats/model.ts";
import { api } from "./client.ts";

export const statsKeys = { all: ["stats"] as const, overview: (days: number) => ["stats", days] as const };

export const useStats = (days = 30) =>
  useQuery({
    queryKey: statsKeys.overview(days),
    queryFn: () => api<StatsView>("/stats", { query: { days } }),
    refetchInterval: 30_000,
  });
