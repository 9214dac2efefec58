import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { adminGrantView, appView } from "../../../server/identity/oauth-views.ts";
import { api } from "./client.ts";

/** The admin API's OAuth apps and the grants users gave them (docs/identity.md, Apps). */

export type AppView = ReturnType<typeof appView>;
export type GrantView = ReturnType<typeof adminGrantView>;

export const oauthKeys = {
  all: ["oauth"] as const,
  apps: ["oauth", "apps"] as const,
  grants: (appId: string) => ["oauth", "grants", appId] as const,
};

/** Apps are few (registered by hand); one page of the API's largest size holds them. */
const LIMIT = 200;

export const useApps = () =>
  useQuery({
    queryKey: oauthKeys.apps,
    queryFn: () => api<{ data: AppView[]; total: number }>("/oauth/apps", { query: { limit: LIMIT } }),
  });

export const useAppGrants = (appId: string) =>
  useQuery({
    queryKey: oauthKeys.grants(appId),
    queryFn: () =>
      api<{ data: GrantView[]; total: number }>("/oauth/grants", { query: { app_id: appId, limit: LIMIT } }),
  });

/** A mutation that refreshes the apps and their grants when it succeeds. */
function useOauthMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: oauthKeys.all }),
  });
}

export const useRegisterApp = () =>
  useOauthMutation((body: { name: string; redirect_uris: string[] }) =>
    api<AppView>("/oauth/apps", { method: "POST", body }),
  );

export const useSetAppStatus = () =>
  useOauthMutation(({ id, status }: { id: string; status: "active" | "disabled" }) =>
    api<AppView>(`/oauth/apps/${id}`, { method: "PATCH", body: { status } }),
  );

export const useDeleteApp = () =>
  useOauthMutation((id: string) =>
    api<{ deleted: boolean; revoked: number }>(`/oauth/apps/${id}`, { method: "DELETE" }),
  );

export const useRevokeGrant = () =>
  useOauthMutation((id: string) => api<GrantView>(`/oauth/grants/${id}`, { method: "DELETE" }));
