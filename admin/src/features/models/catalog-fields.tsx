import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ModelView } from "../../../../server/admin/models/model.ts";
import { type CatalogAnswer, useCatalogEntry } from "../../api/catalog.ts";
import { currentLocale } from "../../i18n/index.ts";
import { Field, SelectField } from "../../ui/field.tsx";
import { decimalText, localizeDecimal } from "../../ui/money.ts";

const CAPABILITIES = [
  ["tools", "tools"],
  ["vision", "vision"],
  ["reasoning", "reasoning"],
] as const;
type Capability = (typeof CAPABILITIES)[number][0];
const KINDS = ["chat", "embeddings", "image", "video"] as const;
const LIMITS = [
  ["context_window", "contextWindow"],
  ["max_output_tokens", "maxOutput"],
] as const;

/** The catalog's values by field name ("" leaves a field alone); prices only in the catalog's own currency. */
function catalogValues(e: CatalogAnswer): Record<string, string> {
  const text = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));
  const yesNo = (v: boolean | undefined) => (v === undefined ? "" : v ? "yes" : "no");
  const prices = e.currency === e.deployment_currency && e.prices ? e.prices : null;
  return {
    input: text(prices?.input),
    cached_input: text(prices?.cached_input),
    output: text(prices?.output ?? (prices ? 0 : null)),
    cache_write: text(prices?.cache_write),
    cache_write_1h: text(prices?.cache_write_1h),
    context_window: text(e.context_window),
    max_output_tokens: text(e.max_output_tokens),
    kind: e.kind,
    ...Object.fromEntries(CAPABILITIES.map(([c]) => [c, yesNo(e.capabilities[c])])),
  };
}

/** Waits until typing pauses before asking the catalog. */
function useSettled(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * A new model's context window, output limit, kind and capabilities, and the prefill of
 * all of them and its prices from the installed model catalog (asked by the provider and
 * upstream model it is routed to). The fields stay plain inputs the admin can change: a
 * field is filled only while empty or still holding what the catalog put there.
 */
export function CatalogFields({
  prefix = "",
  provider,
  upstream,
  model,
}: {
  /** Field names are `${prefix}input`, `${prefix}context_window`...: several models share one form. */
  prefix?: string;
  provider: string;
  upstream: string;
  /** An existing model: its own values, and no lookup. */
  model?: ModelView | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  const entry = useCatalogEntry(model ? "" : provider, useSettled(upstream));
  useEffect(() => {
    const form = box.current?.closest("form");
    if (!form || !entry.data) return;
    for (const [name, value] of Object.entries(catalogValues(entry.data))) {
      const el = form.elements.namedItem(prefix + name);
      if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || value === "") continue;
      if (el.value === "" || el.value === el.dataset.catalog) {
        el.value = value;
        el.dataset.catalog = value;
      }
    }
  }, [entry.data, prefix]);
  const e = entry.data;
  const note = model
    ? null
    : entry.isFetching
      ? t("models.catalog.lookingUp")
      : e === null
        ? t("models.catalog.notFound")
        : e
          ? t("models.catalog.filled", { source: e.sources.prices ?? e.sources.capabilities }) +
            (e.prices && e.currency !== e.deployment_currency
              ? t("models.catalog.otherCurrency", {
                  currency: e.currency,
                  input: localizeDecimal(decimalText(e.prices.input), currentLocale()),
                  output: localizeDecimal(decimalText(e.prices.output ?? 0), currentLocale()),
                  deployment: e.deployment_currency,
                })
              : e.tiered
                ? t("models.catalog.tiered")
                : "")
          : null;
  const cap = (c: Capability) => {
    const v = model?.capabilities[c];
    return v === true ? "yes" : v === false ? "no" : "";
  };
  return (
    <div ref={box} className="space-y-3">
      {note && (
        <p className="text-sm text-slate-600" data-testid="catalog-note" aria-live="polite">
          {note}
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        {LIMITS.map(([name, label]) => (
          <Field
            key={name}
            label={t(`models.catalog.${label}`)}
            name={prefix + name}
            inputMode="numeric"
            pattern="[0-9]*"
            defaultValue={model?.[name] ?? ""}
          />
        ))}
        <SelectField
          label={t("models.catalog.kind")}
          name={`${prefix}kind`}
          defaultValue={model?.kind_source === "declared" ? model.kind : ""}
        >
          <option value="">{t("models.catalog.inferred")}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`models.kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        {CAPABILITIES.map(([c, label]) => (
          <SelectField
            key={c}
            label={t(`models.catalog.${label}`)}
            name={`${prefix}${c}`}
            defaultValue={cap(c)}
          >
            <option value="">{t("models.catalog.notStated")}</option>
            <option value="yes">{t("models.catalog.yes")}</option>
            <option value="no">{t("models.catalog.no")}</option>
          </SelectField>
        ))}
      </div>
    </div>
  );
}

/** The fields above as the API takes them; other capabilities the model has are kept. */
export function catalogBody(f: FormData, prefix = "", existing: Record<string, unknown> = {}) {
  const get = (name: string) => String(f.get(prefix + name) ?? "").trim();
  const int = (name: string) => (get(name) === "" ? null : Number(get(name)));
  const capabilities = { ...existing };
  for (const [c] of CAPABILITIES) {
    if (get(c) === "") delete capabilities[c];
    else capabilities[c] = get(c) === "yes";
  }
  const kind = get("kind");
  return {
    context_window: int("context_window"),
    max_output_tokens: int("max_output_tokens"),
    kind: kind === "" ? null : (kind as (typeof KINDS)[number]),
    capabilities,
  };
}
