import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AccountUsage, LedgerEntryView } from "../../../server/admin/accounts/model.ts";
import type { KeyView } from "../../../server/admin/keys/model.ts";
import { api, authApi, type List, type Page } from "./client.ts";
import type { MemberView, PlanView, Role } from "./identity.ts";

/**
 * The user portal's data. A signed-in user reads their accounts through /auth/* with the
 * portal's session cookie; an admin "viewing as owner" reads the same shapes through the
 * admin API's read-only mirror (/admin/api/portal/...), never with the user's credentials.
 */
export type PortalSource = "user" | "admin";

const read = <T>(source: PortalSource, accountId: string, sub: string, query?: Record<string, number>) =>
  source === "user"
    ? authApi<T>(`/auth/accounts/${accountId}${sub}`, { query })
    : api<T>(`/portal/accounts/${accountId}${sub}`, { query });

export type PortalPlan = Omit<PlanView, "default" | "from_config" | "created_at" | "updated_at">;
export type AccountSummary = {
  account: {
    id: string;
    name: string;
    role: Role | null;
    status: "active" | "suspended";
    balance: number;
    currency: string;
  };
  plan: PortalPlan | null;
  today: { requests: number; tokens: number; concurrent: number; resets_at: string };
};

export type PortalMe = {
  user: { email: string | null; id: string | null; name: string | null };
  account: { id: string };
};

export type PortalAccount = {
  id: string;
  name: string;
  role: Role;
  plan: string | null;
  balance: number | null;
};

export type ConnectedApp = {
  id: string;
  app_name: string;
  account_id: string;
  key_prefix: string;
  spend_limit: number | null;
  spent: number;
  status: "active" | "revoked";
  created_at: string;
  last_used_at: string | null;
};

export const portalKeys = {
  all: ["portal"] as const,
  me: ["portal", "me"] as const,
  accounts: ["portal", "accounts"] as const,
  apps: ["portal", "apps"] as const,
  of: (source: PortalSource, accountId: string, what: string, ...more: unknown[]) =>
    ["portal", source, accountId, what, ...more] as const,
};

export const usePortalMe = () =>
  useQuery({ queryKey: portalKeys.me, queryFn: () => authApi<PortalMe>("/auth/me"), retry: false });

export const usePortalAccounts = () =>
  useQuery({ queryKey: portalKeys.accounts, queryFn: () => authApi<List<PortalAccount>>("/auth/accounts") });

export const useAccountSummary = (source: PortalSource, id: string) =>
  useQuery({
    queryKey: portalKeys.of(source, id, "summary"),
    queryFn: () => read<AccountSummary>(source, id, ""),
  });

export const usePortalKeys = (source: PortalSource, id: string) =>
  useQuery({
    queryKey: portalKeys.of(source, id, "keys"),
    queryFn: () => read<List<KeyView>>(source, id, "/keys"),
  });

export const usePortalUsage = (source: PortalSource, id: string, days = 30) =>
  useQuery({
    queryKey: portalKeys.of(source, id, "usage", days),
    queryFn: () => read<AccountUsage>(source, id, "/usage", { days }),
  });

export const usePortalLedger = (source: PortalSource, id: string, offset: number, limit = 20) =>
  useQuery({
    queryKey: portalKeys.of(source, id, "ledger", offset),
    queryFn: () => read<Page<LedgerEntryView>>(source, id, "/ledger", { limit, offset }),
    placeholderData: keepPreviousData,
  });

/** The account's members (the admin reads them through its own members route). */
export const usePortalMembers = (source: PortalSource, id: string) =>
  useQuery({
    queryKey: portalKeys.of(source, id, "members"),
    queryFn: () =>
      source === "user"
        ? authApi<List<MemberView>>(`/auth/accounts/${id}/members`)
        : api<List<MemberView>>(`/accounts/${id}/members`),
  });

/** Connected apps (the OAuth grants of the signed-in user); a gateway without them answers 404. */
export const useConnectedApps = (enabled: boolean) =>
  useQuery({
    queryKey: portalKeys.apps,
    queryFn: () => authApi<List<ConnectedApp>>("/auth/apps"),
    enabled,
    retry: false,
  });

function usePortalMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: portalKeys.all }) });
}

export const useIssuePortalKey = (accountId: string) =>
  usePortalMutation((body: { name: string; spend_limit?: string | null; budget_period?: string | null }) =>
    authApi<KeyView & { key: string }>(`/auth/accounts/${accountId}/keys`, { method: "POST", body }),
  );

export const useRevokePortalKey = (accountId: string) =>
  usePortalMutation((keyId: string) =>
    authApi<KeyView>(`/auth/accounts/${accountId}/keys/${keyId}`, { method: "DELETE" }),
  );

export const useRevokeApp = () =>
  usePortalMutation((id: string) => authApi<ConnectedApp>(`/auth/apps/${id}`, { method: "DELETE" }));

/** Iskra's three steps, then a browser session: the tokens are used once and never stored. */
export const portalSignIn = {
  sendCode: (email: string) =>
    authApi<{ expires_in: number }>("/auth/send-code", { method: "POST", body: { email } }),
  verify: (email: string, code: string) =>
    authApi<{ registration_token: string; registered: boolean }>("/auth/verify-email", {
      method: "POST",
      body: { email, code },
    }),
  async complete(registrationToken: string, name: string | null) {
    const t = await authApi<{ access_token: string; refresh_token: string; account: { id: string } }>(
      "/auth/complete-registration",
      { method: "POST", body: { registration_token: registrationToken, ...(name ? { name } : {}) } },
    );
    await authApi("/auth/session", { method: "POST", bearer: t.access_token });
    // The page keeps only the HttpOnly cookie: the API sign-in these tokens belong to ends here.
    await authApi("/auth/logout", { method: "POST", body: { refresh_token: t.refresh_token } }).catch(
      () => {},
    );
    return t.account.id;
  },
};

export function usePortalSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => authApi<{ revoked: boolean }>("/auth/session", { method: "DELETE" }),
    onSettled: () => qc.removeQueries({ queryKey: portalKeys.all }),
  });
}
