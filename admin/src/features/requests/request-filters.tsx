import type { FormEvent } from "react";
import { useKeys } from "../../api/keys.ts";
import { useModels } from "../../api/models.ts";
import { Button } from "../../ui/button.tsx";
import { Field, SelectField } from "../../ui/field.tsx";

export type FilterForm = { key_id: string; model: string; status: string; from: string; to: string };

/** Filters by key, model, status and a date range (days in the browser's time zone). */
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
    const get = (k: keyof FilterForm) => String(f.get(k) ?? "");
    onChange({
      key_id: get("key_id"),
      model: get("model"),
      status: get("status"),
      from: get("from"),
      to: get("to"),
    });
  };
  return (
    <form
      onSubmit={submit}
      aria-label="Filters"
      key={JSON.stringify(value)}
      className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-[1fr_1fr_7rem_9.5rem_9.5rem_auto] lg:items-end"
    >
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
      <div className="col-span-2 flex gap-2 md:col-span-1">
        <Button type="submit" variant="primary">
          Apply
        </Button>
        <Button onClick={() => onChange({ key_id: "", model: "", status: "", from: "", to: "" })}>
          Clear
        </Button>
      </div>
    </form>
  );
}
