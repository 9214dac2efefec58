import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { ModelView } from "../../../../server/admin/models/model.ts";
import { useProviders, useUpstreamModels } from "../../api/providers.ts";
import { Button } from "../../ui/button.tsx";
import { Field, inputClass } from "../../ui/field.tsx";

export type RouteRow = { key: number; provider: string; model: string; priority: string; weight: string };

let nextKey = 0;
export const routeRow = (r: Partial<ModelView["routes"][number]> = {}): RouteRow => ({
  key: nextKey++,
  provider: r.provider ?? "",
  model: r.model ?? "",
  priority: String(r.priority ?? 0),
  weight: String(r.weight ?? 1),
});

/** The rows as the API takes them (the server checks providers and numbers). */
export const routesBody = (rows: RouteRow[]) =>
  rows.map((r) => ({
    provider: r.provider,
    model: r.model.trim(),
    priority: Number(r.priority),
    weight: Number(r.weight),
  }));

/** One route: a provider, the upstream model (picked from what it lists, or typed), priority, weight. */
function RouteFields({
  row,
  n,
  providers,
  onChange,
  onRemove,
}: {
  row: RouteRow;
  n: number;
  providers: { id: string; kind: string; enabled: boolean }[];
  onChange: (r: RouteRow) => void;
  onRemove?: () => void;
}) {
  const id = useId();
  const listed = useUpstreamModels(row.provider);
  const models = listed.data?.models ?? [];
  const { t } = useTranslation();
  const status = !row.provider
    ? t("models.route.chooseProvider")
    : listed.isFetching
      ? t("models.route.asking")
      : listed.error
        ? listed.error.message
        : listed.data && !listed.data.models
          ? t("models.route.typeIt", { message: listed.data.message })
          : t("models.route.listed", { count: models.length });
  const set = (patch: Partial<RouteRow>) => onChange({ ...row, ...patch });
  return (
    <fieldset
      className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-[10rem_1fr_5rem_5rem_auto] sm:items-end"
      data-testid="route-row"
    >
      <legend className="px-1 text-xs font-medium text-slate-600">{t("models.route.legend", { n })}</legend>
      <datalist id={`${id}-list`}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name ?? undefined}
          </option>
        ))}
      </datalist>
      <div className="space-y-1">
        <label htmlFor={`${id}-p`} className="block text-sm font-medium text-slate-700">
          {t("models.route.provider")}
        </label>
        <select
          id={`${id}-p`}
          required
          value={row.provider}
          onChange={(e) => set({ provider: e.target.value })}
          className={inputClass}
        >
          <option value="" disabled>
            {t("models.route.choose")}
          </option>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id} ({p.kind}
              {p.enabled ? "" : t("models.route.disabledSuffix")})
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-m`} className="block text-sm font-medium text-slate-700">
          {t("models.route.upstream")}
        </label>
        <input
          id={`${id}-m`}
          required
          list={`${id}-list`}
          value={row.model}
          onChange={(e) => set({ model: e.target.value })}
          autoComplete="off"
          className={`${inputClass} font-mono`}
          aria-describedby={`${id}-hint`}
        />
      </div>
      <Field
        label={t("models.route.priority")}
        type="number"
        step={1}
        required
        value={row.priority}
        onChange={(e) => set({ priority: e.target.value })}
      />
      <Field
        label={t("models.route.weight")}
        type="number"
        min={1}
        step={1}
        required
        value={row.weight}
        onChange={(e) => set({ weight: e.target.value })}
      />
      <div>
        {onRemove && (
          <Button
            size="sm"
            variant="ghost"
            onClick={onRemove}
            aria-label={t("models.route.removeLabel", { n })}
          >
            {t("models.route.remove")}
          </Button>
        )}
      </div>
      <p id={`${id}-hint`} className="text-xs text-slate-500 sm:col-span-5" aria-live="polite">
        {status}
      </p>
    </fieldset>
  );
}

/**
 * A model's routes: which provider serves it under which upstream name. The highest priority is
 * tried first; routes of one priority share traffic by weight.
 */
export function RouteEditor({ rows, onChange }: { rows: RouteRow[]; onChange: (rows: RouteRow[]) => void }) {
  const providers = useProviders().data?.data ?? [];
  const { t } = useTranslation();
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-700">{t("models.route.title")}</h3>
        <Button size="sm" onClick={() => onChange([...rows, routeRow()])}>
          {t("models.route.add")}
        </Button>
      </div>
      <p className="text-xs text-slate-500">{t("models.route.help")}</p>
      {providers.length === 0 && <p className="text-sm text-amber-800">{t("models.route.noProviders")}</p>}
      {rows.map((r, i) => (
        <RouteFields
          key={r.key}
          row={r}
          n={i + 1}
          providers={providers}
          onChange={(next) => onChange(rows.map((x) => (x.key === r.key ? next : x)))}
          onRemove={rows.length > 1 ? () => onChange(rows.filter((x) => x.key !== r.key)) : undefined}
        />
      ))}
    </div>
  );
}
