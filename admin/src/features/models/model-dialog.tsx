import { type FormEvent, useState } from "react";
import type { ModelView } from "../../../../server/admin/models/model.ts";
import { useCreateModel, useUpdateModel } from "../../api/models.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { AMOUNT_PATTERN, decimalText } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";
import { CatalogFields, catalogBody } from "./catalog-fields.tsx";
import { RouteEditor, routeRow, routesBody } from "./route-editor.tsx";

type PriceName = "input" | "cached_input" | "output" | "cache_write" | "cache_write_1h";

const optional = (v: FormDataEntryValue | null): string | null => {
  const text = String(v ?? "").trim();
  return text === "" ? null : text;
};

/**
 * Add a model, or edit one's prices, routes, context window and capabilities. A new model's
 * are filled from the model catalog once its first route names a provider and upstream model. Prices are per 1M tokens; each route is a
 * provider from a list and an upstream model picked from what that provider lists (or
 * typed). The server validates (unknown provider, bad amounts) and its message is shown.
 */
export function ModelDialog({
  model,
  currency,
  onClose,
  defaultProvider,
}: {
  model: ModelView | null;
  currency: string;
  onClose: () => void;
  /** A new model's first route starts on this provider. */
  defaultProvider?: string;
}) {
  const create = useCreateModel();
  const update = useUpdateModel();
  const mutation = model ? update : create;
  const notify = useToast();
  const [routes, setRoutes] = useState(() =>
    model ? model.routes.map((r) => routeRow(r)) : [routeRow({ provider: defaultProvider })],
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const prices = {
      input: String(f.get("input")),
      // Left empty: cached input costs the input price; a cache write the input price
      // (one-hour writes: the cache-write price).
      cached_input: optional(f.get("cached_input")) ?? String(f.get("input")),
      output: String(f.get("output")),
      cache_write: optional(f.get("cache_write")),
      cache_write_1h: optional(f.get("cache_write_1h")),
    };
    const done = (id: string) => ({
      onSuccess: () => {
        notify("success", `Model ${id} saved.`);
        onClose();
      },
    });
    const about = catalogBody(f, "", model?.capabilities);
    if (model)
      update.mutate({ id: model.id, body: { prices, routes: routesBody(routes), ...about } }, done(model.id));
    else {
      const id = String(f.get("id")).trim();
      const body = { id, prices, routes: routesBody(routes), enabled: f.get("enabled") === "on", ...about };
      create.mutate(body, done(id));
    }
  };
  const price = (name: PriceName, label: string, placeholder?: string) => {
    const value = model?.prices[name] ?? null;
    return (
      <Field
        label={`${label} (${currency} per 1M tokens)`}
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
    <Modal open onClose={onClose} title={model ? `Edit ${model.id}` : "Add a model"} wide>
      <form onSubmit={submit} className="space-y-4">
        {!model && (
          <div className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
            <Field
              label="Model id (what clients send)"
              name="id"
              required
              maxLength={200}
              autoComplete="off"
            />
            <label className="flex items-center gap-2 pb-2 text-sm text-slate-700">
              <input type="checkbox" name="enabled" defaultChecked className="size-4" /> Enabled
            </label>
          </div>
        )}
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Prices, in {currency} per 1M tokens</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            {price("input", "Input")}
            {price("cached_input", "Cached input", model ? undefined : "as input")}
            {price("output", "Output")}
            {price("cache_write", "Cache write", "as input")}
            {price("cache_write_1h", "Cache write, 1 hour", "as cache write")}
          </div>
        </fieldset>
        <RouteEditor rows={routes} onChange={setRoutes} />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Context and capabilities</legend>
          <CatalogFields
            provider={routes[0]?.provider ?? ""}
            upstream={routes[0]?.model ?? ""}
            model={model}
          />
        </fieldset>
        <FormError error={mutation.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending}>
            {model ? "Save" : "Add model"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
