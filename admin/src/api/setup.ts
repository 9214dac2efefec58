import { useQuery } from "@tanstack/react-query";
import type { SetupView } from "../../../server/admin/setup/model.ts";
import { api } from "./client.ts";

export const setupKeys = { status: ["setup"] as const };

/** The first-run checklist: polled while a step is open, so each one ticks itself off. */
export const useSetup = () =>
  useQuery({
    queryKey: setupKeys.status,
    queryFn: () => api<SetupView>("/setup"),
    refetchInterval: (q) => (q.state.data?.done ? false : 5_000),
  });
