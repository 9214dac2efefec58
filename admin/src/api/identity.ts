import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { CreatePlan, UpdatePlan } from "../../../server/admin/plans/model.ts";
import type { planView } from "../../../server/admin/plans/service.ts";
import { accountKeys } from "./accounts.ts";
import { api, type List } from "./client.ts";

/** The admin API's identity screens: users, invitations, the outbox, the sign-up mode, plans. */

export type SignupMode = "open" | "invite" | "closed";
export type Role = "owner" | "member";

export type IdentitySettings = {
  signup_mode: SignupMode;
  signup_mode_source: string;
  mail: { transport: "smtp" | "outbox"; from: string };
  access_token_minutes: number;
  refresh_token_days: number;
};

export type UserView = {
  id: string;
  email: string;
  name: string | null;
  status: "active" | "disabled";
  created_at: string;
  last_login_at: string | null;
  accounts: { id: string; name: string; role: Role }[];
};

export type InviteView = {
  id: string;
  email: string;
  account_id: string | null;
  role: Role;
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
};

export type MailView = {
  id: string;
  to: string;
  subject: string;
  text: string | null;
  purpose: string;
  status: "stored" | "queued" | "sent" | "failed";
  error: string | null;
  created_at: string;
};

export type MemberView = { user_id: string; email: string; role: Role; joined_at: string };

export type PlanView = ReturnType<typeof planView>;
export type AccountPlanView = {
  account_id: string;
  plan: PlanView | null;
  period_start: string | null;
  lapsed_plan_id: string | null;
  lapsed_at: string | null;
};

export const identityKeys = {
  settings: ["identity", "settings"] as const,
  users: ["identity", "users"] as const,
  invites: ["identity", "invites"] as const,
  outbox: ["identity", "outbox"] as const,
  members: (accountId: string) => ["identity", "members", accountId] as const,
  plans: ["plans"] as const,
  accountPlan: (accountId: string) => ["plans", "account", accountId] as const,
};

export const useIdentitySettings = () =>
  useQuery({ queryKey: identityKeys.settings, queryFn: () => api<IdentitySettings>("/identity") });

/** Pages of `size` rows: the users and the outbox grow without bound. */
export const PAGE_SIZE = 50;

export const useUsers = (offset = 0) =>
  useQuery({
    queryKey: [...identityKeys.users, offset],
    queryFn: () =>
      api<{ data: UserView[]; total: number }>("/users", { query: { limit: PAGE_SIZE, offset } }),
    placeholderData: keepPreviousData,
  });

export const useInvites = () =>
  useQuery({ queryKey: identityKeys.invites, queryFn: () => api<List<InviteView>>("/invites") });

export const useOutbox = (offset = 0) =>
  useQuery({
    queryKey: [...identityKeys.outbox, offset],
    queryFn: () =>
      api<{ transport: string; data: MailView[]; total: number }>("/outbox", {
        query: { limit: PAGE_SIZE, offset },
      }),
    placeholderData: keepPreviousData,
  });

export const useMembers = (accountId: string) =>
  useQuery({
    queryKey: identityKeys.members(accountId),
    queryFn: () => api<List<MemberView>>(`/accounts/${accountId}/members`),
  });

export const usePlans = () =>
  useQuery({ queryKey: identityKeys.plans, queryFn: () => api<List<PlanView>>("/plans") });

export const useAccountPlan = (accountId: string) =>
  useQuery({
    queryKey: identityKeys.accountPlan(accountId),
    queryFn: () => api<AccountPlanView>(`/accounts/${accountId}/plan`),
  });

/** A mutation that refreshes the identity screens (and what else it names) when it succeeds. */
function useIdentityMutation<I, O>(fn: (input: I) => Promise<O>, also: readonly (readonly string[])[] = []) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["identity"] });
      for (const k of also) qc.invalidateQueries({ queryKey: k });
    },
  });
}

export const useSetSignupMode = () =>
  useIdentityMutation((mode: SignupMode | null) =>
    api<IdentitySettings>("/identity/signup", { method: "PUT", body: { mode } }),
  );

export const useCreateUser = () =>
  useIdentityMutation((body: { email: string; name?: string; account_id?: string; role?: Role }) =>
    api<UserView>("/users", { method: "POST", body }),
  );

export const useUpdateUser = () =>
  useIdentityMutation(({ id, ...body }: { id: string; status: "active" | "disabled" }) =>
    api<UserView>(`/users/${id}`, { method: "PATCH", body }),
  );

export const useSignOutUser = () =>
  useIdentityMutation((id: string) =>
    api<{ revoked: number }>(`/users/${id}/sessions`, { method: "DELETE" }),
  );

export const useInvite = () =>
  useIdentityMutation((body: { email: string; account_id: string | null; role: Role }) =>
    api<InviteView & { joined: boolean }>("/invites", { method: "POST", body }),
  );

export const useWithdrawInvite = () =>
  useIdentityMutation((id: string) => api<InviteView>(`/invites/${id}`, { method: "DELETE" }));

export const useSavePlan = () =>
  useIdentityMutation(
    ({ id, create, ...body }: { id: string; create: boolean } & z.input<typeof UpdatePlan>) =>
      create
        ? api<PlanView>("/plans", { method: "POST", body: { id, ...body } as z.input<typeof CreatePlan> })
        : api<PlanView>(`/plans/${id}`, { method: "PATCH", body }),
    [identityKeys.plans],
  );

export const useDeletePlan = () =>
  useIdentityMutation(
    (id: string) => api<unknown>(`/plans/${id}`, { method: "DELETE" }),
    [identityKeys.plans],
  );

export const useAssignPlan = (accountId: string) =>
  useIdentityMutation(
    (planId: string | null) =>
      api<AccountPlanView>(`/accounts/${accountId}/plan`, { method: "PUT", body: { plan_id: planId } }),
    [identityKeys.plans, accountKeys.all],
  );
