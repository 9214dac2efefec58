import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { CreateModel, ModelView, UpdateModel } from "../../../server/admin/models/model.ts";
import { api, type List } from "./client.ts";

export const modelKeys = { all: ["models"] as const, list: () => [...modelKeys.all, "list"] as const };

/** Model ids may contain '/': each segment is encoded, the slashes stay (the route is /models/*). */
export const modelPath = (id: string) => `/models/${id.split("/").map(encodeURIComponent).join("/")}`;

export const useModels = () =>
  useQuery({ queryKey: modelKeys.list(), queryFn: () => api<List<ModelView>>("/models") });

export function useCreateModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof CreateModel>) => api<ModelView>("/models", { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: modelKeys.all }),
  });
}

export function useDeleteModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ id: string; deleted: true }>(modelPath(id), { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: modelKeys.all }),
  });
}

export function useUpdateModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: z.input<typeof UpdateModel> }) =>
      api<ModelView>(modelPath(id), { method: "PATCH", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: modelKeys.all }),
  });
}

/**
 * Enable/disable shows at once; on failure the list is put back as it was and the caller
 * shows why (onError gets the model id and the error).
 */
export function useToggleModel(onError: (id: string, enabled: boolean, err: Error) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      api<ModelView>(modelPath(id), { method: "PATCH", body: { enabled } }),
    onMutate: async ({ id, enabled }) => {
      await qc.cancelQueries({ queryKey: modelKeys.list() });
      const before = qc.getQueryData<List<ModelView>>(modelKeys.list());
      qc.setQueryData<List<ModelView>>(modelKeys.list(), (old) =>
        old ? { data: old.data.map((m) => (m.id === id ? { ...m, enabled } : m)) } : old,
      );
      return { before };
    },
    onError: (err, vars, ctx) => {
      if (ctx?.before) qc.setQueryData(modelKeys.list(), ctx.before);
      onError(vars.id, vars.enabled, err);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: modelKeys.all }),
  });
}
