import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useKeys } from "../../api/keys.ts";
import { useModels } from "../../api/models.ts";
import { Button } from "../../ui/button.tsx";
import { Field, SelectField } from "../../ui/field.tsx";

export const FILTER_FIELDS = ["q", "key_id", "model", "status_class", "status", "from", "to"] as const;
export type FilterForm = Record<(typeof FILTER_FIELDS)[number], string>;
export const NO_FILTERS = Object.fromEntries(FILTER_FIELDS.map((k) => [k, ""])) as FilterForm;

/**
 * Search (request id, key, account), key, model, status class or exact status, and a date
 * range (days in the panel's time zone: ui/time-zone.ts).
 */
export function RequestFilterBar({
  value,
  onChange,
}: {
  value: FilterForm;
  onChange: (f: FilterForm) => void;
}) {
  const keys = useKeys().data?.data ?? [];
  const models = useModels().data?.data ?? [];
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    onChange(Object.fromEntries(FILTER_FIELDS.map((k) => [k, String(f.get(k) ?? "").trim()])) as FilterForm);
  };
  return (
    <form
      onSubmit={submit}
      aria-label={t("requests.filters.label")}
      key={JSON.stringify(value)}
      className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:items-end"
    >
      <div className="col-span-2">
        <Field
          label={t("requests.filters.search")}
          name="q"
          type="search"
          placeholder={t("requests.filters.searchPlaceholder")}
          defaultValue={value.q}
          autoComplete="off"
        />
      </div>
      <SelectField label={t("requests.filters.key")} name="key_id" defaultValue={value.key_id}>
        <option value="">{t("requests.filters.allKeys")}</option>
        {keys.map((k) => (
          <option key={k.id} value={k.id}>
            {k.name} ({k.prefix}…)
          </option>
        ))}
      </SelectField>
      <SelectField label={t("requests.filters.model")} name="model" defaultValue={value.model}>
        <option value="">{t("requests.filters.allModels")}</option>
        {models.map((m) => (
          <option key={m.id}>{m.id}</option>
        ))}
      </SelectField>
      <SelectField
        label={t("requests.filters.statusClass")}
        name="status_class"
        defaultValue={value.status_class}
      >
        <option value="">{t("requests.filters.allRequests")}</option>
        <option value="errors">{t("requests.filters.errors")}</option>
        <option value="4xx">{t("requests.filters.refused")}</option>
        <option value="5xx">{t("requests.filters.failed")}</option>
      </SelectField>
      <Field
        label={t("requests.filters.status")}
        name="status"
        type="number"
        min={100}
        max={599}
        placeholder={t("requests.filters.any")}
        defaultValue={value.status}
      />
      <Field label={t("requests.filters.from")} name="from" type="date" defaultValue={value.from} />
      <Field label={t("requests.filters.to")} name="to" type="date" defaultValue={value.to} />
      <div className="col-span-2 flex gap-2 md:col-span-4 md:justify-end">
        <Button type="submit" variant="primary">
          {t("requests.filters.apply")}
        </Button>
        <Button onClick={() => onChange(NO_FILTERS)}>{t("requests.filters.clear")}</Button>
      </div>
    </form>
  );
}
