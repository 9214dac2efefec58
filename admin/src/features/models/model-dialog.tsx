import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
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
        notify("success", t("models.dialog.saved", { id }));
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
        label={t("common.perMillion", { label, currency })}
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
    <Modal
      open
      onClose={onClose}
      title={model ? t("models.dialog.editTitle", { id: model.id }) : t("models.dialog.addTitle")}
      wide
    >
      <form onSubmit={submit} className="space-y-4">
        {!model && (
          <div className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
            <Field label={t("models.dialog.modelId")} name="id" required maxLength={200} autoComplete="off" />
            <label className="flex items-center gap-2 pb-2 text-sm text-slate-700">
              <input type="checkbox" name="enabled" defaultChecked className="size-4" /> {t("common.enabled")}
            </label>
          </div>
        )}
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">
            {t("models.dialog.prices", { currency })}
          </legend>
          <div className="grid gap-4 sm:grid-cols-3">
            {price("input", t("prices.input"))}
            {price("cached_input", t("prices.cachedInput"), model ? undefined : t("common.asInput"))}
            {price("output", t("prices.output"))}
            {price("cache_write", t("prices.cacheWrite"), t("common.asInput"))}
            {price("cache_write_1h", t("prices.cacheWrite1h"), t("common.asCacheWrite"))}
          </div>
        </fieldset>
        <RouteEditor rows={routes} onChange={setRoutes} />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">{t("models.dialog.about")}</legend>
          <CatalogFields
            provider={routes[0]?.provider ?? ""}
            upstream={routes[0]?.model ?? ""}
            model={model}
          />
        </fieldset>
        <FormError error={mutation.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending}>
            {model ? t("common.save") : t("models.dialog.submitNew")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
