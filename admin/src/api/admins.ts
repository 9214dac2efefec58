import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { AdminUserView, CreateAdminUser } from "../../../server/admin/admins/model.ts";
import { api, type List } from "./client.ts";

export const adminKeys = { all: ["admins"] as const };

export const useAdmins = () =>
  useQuery({ queryKey: adminKeys.all, queryFn: () => api<List<AdminUserView>>("/admins") });

export function useCreateAdmin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof CreateAdminUser>) =>
      api<AdminUserView>("/admins", { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

export function useDeleteAdmin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<AdminUserView>(`/admins/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}
