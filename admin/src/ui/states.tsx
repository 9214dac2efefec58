import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./button.tsx";

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div role="status" className="flex items-center gap-2 py-8 text-sm text-slate-500">
      <span className="size-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
      {label ?? t("common.loading")}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center">
      <p className="font-medium text-slate-700">{title}</p>
      {children && <div className="mt-1 text-sm text-slate-500">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="rounded-lg bg-red-50 px-4 py-4 text-sm text-red-800 ring-1 ring-red-200">
      <p className="font-medium">{t("states.failed")}</p>
      <p className="mt-1">{error.message}</p>
      {retry && (
        <Button size="sm" className="mt-3" onClick={retry}>
          {t("states.retry")}
        </Button>
      )}
    </div>
  );
}

/** Loading, error, or the content: the three states every query has. */
export function QueryState<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: Error | null; isPending: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  if (query.error && query.data === undefined)
    return <ErrorState error={query.error} retry={() => query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}
