import { useQuery } from "@tanstack/react-query";
import type { StatsView } from "../../../server/admin/stats/model.ts";
import { zoneOffsetMinutes } from "../ui/time-zone.ts";
import { api } from "./client.ts";

export const statsKeys = {
  all: ["stats"] as const,
  overview: (days: number, tzOffset: number) => ["stats", days, tzOffset] as const,
};

/** Days and hours start at midnight of the panel's time zone (ui/time-zone.ts). */
export const useStats = (days = 30) =>
  useQuery({
    queryKey: statsKeys.overview(days, zoneOffsetMinutes()),
    queryFn: () => api<StatsView>("/stats", { query: { days, tz_offset: zoneOffsetMinutes() } }),
    refetchInterval: 30_000,
  });
