import { useTranslation } from "react-i18next";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import type { ModelView } from "../../../../server/admin/models/model.ts";
import { Field, SelectField } from "../../ui/field.tsx";
import { AMOUNT_PATTERN, decimalText } from "../../ui/money.ts";

/** The limit fields of the issue and edit forms, read back into the API's body shape. */
export function LimitsFields({
  keyView,
  models,
  currency,
}: {
  keyView?: KeyView;
  models: ModelView[];
  currency: string;
}) {
  const allowed = new Set(keyView?.models ?? []);
  const { t } = useTranslation();
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label={t("keys.limits.rpm")}
          name="rpm_limit"
          type="number"
          min={1}
          step={1}
          placeholder={t("keys.limits.deploymentDefault")}
          defaultValue={keyView?.rpm_limit ?? ""}
        />
        <Field
          label={t("keys.limits.daily")}
          name="daily_request_limit"
          type="number"
          min={1}
          step={1}
          placeholder={t("keys.limits.noDaily")}
          defaultValue={keyView?.daily_request_limit ?? ""}
        />
        <Field
          label={t("keys.limits.spend", { currency })}
          name="spend_limit"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title={t("common.amountTitle")}
          placeholder={t("keys.limits.noLimit")}
          defaultValue={keyView?.spend_limit === null || !keyView ? "" : decimalText(keyView.spend_limit)}
        />
        <SelectField
          label={t("keys.limits.resets")}
          name="budget_period"
          defaultValue={keyView?.budget_period ?? ""}
        >
          <option value="">{t("keys.limits.never")}</option>
          <option value="daily">{t("keys.limits.dailyReset")}</option>
          <option value="weekly">{t("keys.limits.weeklyReset")}</option>
          <option value="monthly">{t("keys.limits.monthlyReset")}</option>
        </SelectField>
        <Field
          label={t("keys.limits.expires")}
          name="expires_at"
          type="date"
          defaultValue={keyView?.expires_at?.slice(0, 10) ?? ""}
          hint={t("keys.limits.expiresHint")}
        />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">{t("keys.limits.models")}</legend>
        <p className="text-xs text-slate-500">{t("keys.limits.modelsHint")}</p>
        <div className="grid max-h-40 gap-1 overflow-y-auto rounded-md border border-slate-200 p-2 sm:grid-cols-2">
          {models.map((m) => (
            <label key={m.id} className="flex items-center gap-2 text-sm break-all">
              <input type="checkbox" name="models" value={m.id} defaultChecked={allowed.has(m.id)} />
              {m.id}
            </label>
          ))}
          {models.length === 0 && <span className="text-sm text-slate-500">{t("keys.limits.noModels")}</span>}
        </div>
      </fieldset>
    </>
  );
}

const PERIODS = ["daily", "weekly", "monthly"] as const;

const intOrNull = (v: FormDataEntryValue | null) => (v === null || v === "" ? null : Number(v));

/** Empty fields mean "no limit" (null), so an edit can also remove a limit. */
export function readLimits(f: FormData) {
  const spend = String(f.get("spend_limit") ?? "").trim();
  const expires = String(f.get("expires_at") ?? "");
  const models = f.getAll("models").map(String);
  const period = PERIODS.find((p) => p === f.get("budget_period")) ?? null;
  return {
    budget_period: period,
    rpm_limit: intOrNull(f.get("rpm_limit")),
    daily_request_limit: intOrNull(f.get("daily_request_limit")),
    spend_limit: spend === "" ? null : spend,
    models: models.length ? models : null,
    expires_at: expires ? `${expires}T23:59:59.999Z` : null,
  };
}
