import type { FormEvent } from "react";
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
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    onChange(Object.fromEntries(FILTER_FIELDS.map((k) => [k, String(f.get(k) ?? "").trim()])) as FilterForm);
  };
  return (
    <form
      onSubmit={submit}
      aria-label="Filters"
      key={JSON.stringify(value)}
      className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:items-end"
    >
      <div className="col-span-2">
        <Field
          label="Search"
          name="q"
          type="search"
          placeholder="Request id, key or account name, or a key"
          defaultValue={value.q}
          autoComplete="off"
        />
      </div>
      <SelectField label="Key" name="key_id" defaultValue={value.key_id}>
        <option value="">All keys</option>
        {keys.map((k) => (
          <option key={k.id} value={k.id}>
            {k.name} ({k.prefix}…)
          </option>
        ))}
      </SelectField>
      <SelectField label="Model" name="model" defaultValue={value.model}>
        <option value="">All models</option>
        {models.map((m) => (
          <option key={m.id}>{m.id}</option>
        ))}
      </SelectField>
      <SelectField label="Status class" name="status_class" defaultValue={value.status_class}>
        <option value="">All requests</option>
        <option value="errors">Errors only</option>
        <option value="4xx">4xx (refused)</option>
        <option value="5xx">5xx (failed)</option>
      </SelectField>
      <Field
        label="Status"
        name="status"
        type="number"
        min={100}
        max={599}
        placeholder="Any"
        defaultValue={value.status}
      />
      <Field label="From" name="from" type="date" defaultValue={value.from} />
      <Field label="To" name="to" type="date" defaultValue={value.to} />
      <div className="col-span-2 flex gap-2 md:col-span-4 md:justify-end">
        <Button type="submit" variant="primary">
          Apply
        </Button>
        <Button onClick={() => onChange(NO_FILTERS)}>Clear</Button>
      </div>
    </form>
  );
}
