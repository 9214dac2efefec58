import type { FormEvent } from "react";
import type { ModelView } from "../../../../server/admin/models/model.ts";
import { useUpdateModel } from "../../api/models.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { AMOUNT_PATTERN, decimalText } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";

const optional = (v: FormDataEntryValue | null): string | null => {
  const text = String(v ?? "").trim();
  return text === "" ? null : text;
};

/** Prices per 1M tokens, and the routes as `provider model priority weight` lines. */
export function EditModelDialog({ model, onClose }: { model: ModelView; onClose: () => void }) {
  const update = useUpdateModel();
  const notify = useToast();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const routes = String(f.get("routes"))
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([provider = "", upstream = "", priority = "0", weight = "1"]) => ({
        provider,
        model: upstream,
        priority: Number(priority),
        weight: Number(weight),
      }));
    update.mutate(
      {
        id: model.id,
        body: {
          prices: {
            input: String(f.get("input")),
            cached_input: String(f.get("cached_input")),
            output: String(f.get("output")),
            // Left empty: a cache write costs the input price (one-hour writes: the cache-write price).
            cache_write: optional(f.get("cache_write")),
            cache_write_1h: optional(f.get("cache_write_1h")),
          },
          routes,
        },
      },
      {
        onSuccess: () => {
          notify("success", `Model ${model.id} saved.`);
          onClose();
        },
      },
    );
  };
  const price = (
    name: "input" | "cached_input" | "output" | "cache_write" | "cache_write_1h",
    label: string,
    placeholder?: string,
  ) => {
    const value = model.prices[name];
    return (
      <Field
        label={`${label} (${model.currency} / 1M tokens)`}
        name={name}
        required={placeholder === undefined}
        placeholder={placeholder}
        inputMode="decimal"
        pattern={AMOUNT_PATTERN.source}
        defaultValue={value === null ? "" : decimalText(value)}
      />
    );
  };
  return (
    <Modal open onClose={onClose} title={`Edit ${model.id}`} wide>
      <form onSubmit={submit} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-3">
          {price("input", "Input")}
          {price("cached_input", "Cached input")}
          {price("output", "Output")}
          {price("cache_write", "Cache write", "as input")}
          {price("cache_write_1h", "Cache write, 1 hour", "as cache write")}
        </div>
        <div className="space-y-1">
          <label htmlFor="routes" className="block text-sm font-medium text-slate-700">
            Routes
          </label>
          <textarea
            id="routes"
            name="routes"
            rows={3}
            required
            className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
            defaultValue={model.routes
              .map((r) => `${r.provider} ${r.model} ${r.priority} ${r.weight}`)
              .join("\n")}
          />
          <p className="text-xs text-slate-500">One per line: provider, upstream model, priority, weight.</p>
        </div>
        <FormError error={update.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={update.isPending}>
            Save
          </Button>
        </div>
      </form>
    </Modal>
  );
}
