import { type FormEvent, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useCreateModel } from "../../api/models.ts";
import { useSettings } from "../../api/session.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field } from "../../ui/field.tsx";
import { AMOUNT_PATTERN } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";
import { CatalogFields, catalogBody } from "../models/catalog-fields.tsx";

/**
 * Adds the upstream models picked from a provider's list, one model each, routed to that
 * provider. The id clients send starts as the upstream's; prices, context window and
 * capabilities are filled from the model catalog where it knows the model, else asked for
 * (a model without a price would be free), labelled, per model.
 */
export function AddModelsDialog({
  provider,
  upstream,
  onClose,
}: {
  provider: string;
  upstream: string[];
  onClose: () => void;
}) {
  const currency = useSettings().data?.currency ?? "";
  const create = useCreateModel();
  const notify = useToast();
  const [left, setLeft] = useState(upstream);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (u: string, k: string) => String(f.get(`${u}|${k}`) ?? "").trim();
    setBusy(true);
    const failed: Record<string, string> = {};
    let added = 0;
    // One at a time: each answer (an id already taken, a bad price) lands beside its row.
    for (const u of left) {
      const input = get(u, "input");
      try {
        await create.mutateAsync({
          id: get(u, "id"),
          enabled: f.get("enabled") === "on",
          routes: [{ provider, model: u }],
          prices: {
            input,
            cached_input: get(u, "cached_input") || input,
            output: get(u, "output"),
            cache_write: get(u, "cache_write") || null,
            cache_write_1h: get(u, "cache_write_1h") || null,
          },
          ...catalogBody(f, `${u}|`),
        });
        added++;
      } catch (err) {
        failed[u] = err instanceof Error ? err.message : String(err);
      }
    }
    setBusy(false);
    setErrors(failed);
    setLeft(left.filter((u) => u in failed));
    if (added) notify("success", t("providers.addModels.added", { count: added, provider }));
    if (Object.keys(failed).length === 0) onClose();
  };
  const price = (u: string, name: string, label: string, required = true) => (
    <Field
      label={t("common.perMillion", { label, currency })}
      name={`${u}|${name}`}
      required={required}
      placeholder={
        required ? undefined : name === "cache_write_1h" ? t("common.asCacheWrite") : t("common.asInput")
      }
      inputMode="decimal"
      pattern={AMOUNT_PATTERN.source}
      title={t("common.amountTitle")}
    />
  );
  return (
    <Modal open onClose={onClose} title={t("providers.addModels.title", { provider })} wide>
      <form onSubmit={submit} className="space-y-4" autoComplete="off">
        <p className="text-sm text-slate-600">
          <Trans
            i18nKey="providers.addModels.intro"
            values={{ provider }}
            components={{ strong: <strong /> }}
          />
        </p>
        {left.map((u) => (
          <fieldset
            key={u}
            className="space-y-3 rounded-md border border-slate-200 p-3"
            data-testid="add-model-row"
          >
            <legend className="px-1 font-mono text-xs break-all text-slate-600">{u}</legend>
            <Field
              label={t("providers.addModels.modelId")}
              name={`${u}|id`}
              defaultValue={u}
              required
              maxLength={200}
            />
            <div className="grid gap-3 sm:grid-cols-3">
              {price(u, "input", t("prices.input"))}
              {price(u, "cached_input", t("prices.cachedInput"), false)}
              {price(u, "output", t("prices.output"))}
              {price(u, "cache_write", t("prices.cacheWrite"), false)}
              {price(u, "cache_write_1h", t("prices.cacheWrite1h"), false)}
            </div>
            <CatalogFields prefix={`${u}|`} provider={provider} upstream={u} />
            {errors[u] && (
              <p
                role="alert"
                className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200"
              >
                {errors[u]}
              </p>
            )}
          </fieldset>
        ))}
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="enabled" defaultChecked className="size-4" />{" "}
          {t("providers.addModels.enabledNow")}
        </label>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? t("providers.addModels.adding") : t("providers.addModels.submit", { count: left.length })}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
