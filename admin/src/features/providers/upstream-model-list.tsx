import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { UpstreamModel } from "../../../../server/admin/providers/model.ts";
import { useModels } from "../../api/models.ts";
import { Button } from "../../ui/button.tsx";
import { inputClass } from "../../ui/field.tsx";
import { formatCount } from "../../ui/format.ts";

/**
 * The models a provider listed, with a filter and a checkbox each; those a model already
 * routes to are marked. "Add selected" hands the ticked ids on.
 */
export function UpstreamModelList({
  provider,
  models,
  onAdd,
}: {
  provider: string;
  models: UpstreamModel[];
  onAdd: (ids: string[]) => void;
}) {
  const id = useId();
  const [filter, setFilter] = useState("");
  const { t } = useTranslation();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const configured = useModels().data?.data ?? [];
  // upstream model -> the public models that route to it on this provider
  const routed = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const model of configured)
      for (const r of model.routes)
        if (r.provider === provider) m.set(r.model, [...(m.get(r.model) ?? []), model.id]);
    return m;
  }, [configured, provider]);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? models.filter((m) => m.id.toLowerCase().includes(needle) || m.name?.toLowerCase().includes(needle))
    : models;
  const toggle = (modelId: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(modelId);
    else next.delete(modelId);
    setPicked(next);
  };
  return (
    <section
      aria-label={t("providers.upstream.region", { provider })}
      className="space-y-2 rounded-md bg-slate-50 p-2 ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1 space-y-1">
          <label htmlFor={`${id}-filter`} className="block text-xs font-medium text-slate-700">
            {t("providers.upstream.filter", { n: formatCount(models.length) })}
          </label>
          <input
            id={`${id}-filter`}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            className={inputClass}
            autoComplete="off"
          />
        </div>
        <Button size="sm" variant="primary" disabled={picked.size === 0} onClick={() => onAdd([...picked])}>
          {t("providers.upstream.addSelected", { count: picked.size })}
        </Button>
      </div>
      <ul className="max-h-56 space-y-0.5 overflow-y-auto text-sm">
        {shown.map((m) => {
          const as = routed.get(m.id);
          return (
            <li key={m.id}>
              <label className="flex items-start gap-2 rounded px-1 py-0.5 hover:bg-white">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={picked.has(m.id)}
                  onChange={(e) => toggle(m.id, e.target.checked)}
                />
                <span className="min-w-0 break-all">
                  <span className="font-mono text-xs">{m.id}</span>
                  {m.name && m.name !== m.id && <span className="text-slate-500"> · {m.name}</span>}
                  {as && (
                    <span className="block text-xs text-emerald-700">
                      {t("providers.upstream.addedAs", { ids: as.join(", ") })}
                    </span>
                  )}
                </span>
              </label>
            </li>
          );
        })}
        {shown.length === 0 && <li className="px-1 text-slate-500">{t("providers.upstream.noMatch")}</li>}
      </ul>
    </section>
  );
}
