import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { SessionView, SignIn, SignInMethods } from "../../../server/admin/auth/model.ts";
import type { SettingsView } from "../../../server/admin/setup/model.ts";
import { api } from "./client.ts";

export const sessionKeys = {
  me: ["session"] as const,
  settings: ["settings"] as const,
  methods: ["sign-in-methods"] as const,
};

export function useSession() {
  return useQuery({
    queryKey: sessionKeys.me,
    queryFn: () => api<SessionView>("/auth/me"),
    retry: false,
    staleTime: 60_000,
  });
}

/** Currency, version and public URL; every amount on every page is shown in this currency. */
export function useSettings() {
  return useQuery({
    queryKey: sessionKeys.settings,
    queryFn: () => api<SettingsView>("/settings"),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Asked before signing in: while no admin user exists, only the admin token works. */
export const useSignInMethods = () =>
  useQuery({
    queryKey: sessionKeys.methods,
    queryFn: () => api<SignInMethods>("/auth/methods"),
    retry: false,
  });

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
