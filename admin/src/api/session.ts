import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { SessionView, SignIn } from "../../../server/admin/auth/model.ts";
import { api } from "./client.ts";

export const sessionKeys = { me: ["session"] as const, settings: ["settings"] as const };

export type Settings = { currency: string; version: string };

export function useSession() {
  return useQuery({
    queryKey: sessionKeys.me,
    queryFn: () => api<SessionView>("/auth/me"),
    retry: false,
    staleTime: 60_000,
  });
}

/** Currency and version; every amount on every page is shown in this currency. */
export function useSettings() {
  return useQuery({
    queryKey: sessionKeys.settings,
    queryFn: () => api<Settings>("/settings"),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof SignIn>) => api<SessionView>("/auth/login", { method: "POST", body }),
    onSuccess: (view) => qc.setQueryData(sessionKeys.me, view),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/auth/logout", { method: "POST" }),
    onSettled: () => qc.clear(),
  });
}
