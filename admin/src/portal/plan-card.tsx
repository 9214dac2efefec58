import { useTranslation } from "react-i18next";
import type { AccountSummary } from "../api/portal.ts";
import { formatCount, formatTime } from "../ui/format.ts";
import { Card, Table, td, th } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";

/** The account's plan and how much of today's limits is used (UTC day). */
export function PlanCard({ summary }: { summary: AccountSummary }) {
  const { plan, today, account } = summary;
  const { t } = useTranslation();
  const n = (v: number | null) => (v === null ? t("plans.unlimited") : formatCount(v));
  const rows: { label: string; used: string; limit: string }[] = plan
    ? [
        {
          label: t("plans.fields.requests_per_day"),
          used: formatCount(today.requests),
          limit: n(plan.requests_per_day),
        },
        {
          label: t("plans.fields.tokens_per_day"),
          used: formatCount(today.tokens),
          limit: n(plan.tokens_per_day),
        },
        { label: t("plans.fields.requests_per_minute"), used: "", limit: n(plan.requests_per_minute) },
        {
          label: t("plans.fields.concurrent_requests"),
          used: formatCount(today.concurrent),
          limit: n(plan.concurrent_requests),
        },
      ]
    : [];
  return (
    <Card title={t("portal.plan.title")}>
      {plan ? (
        <>
          <p className="mb-3 text-sm text-slate-600" data-testid="portal-plan">
            {t("portal.plan.on", { name: plan.name })}
            {plan.monthly_fee > 0 &&
              ` ${t("portal.plan.fee", { fee: formatMoney(plan.monthly_fee, account.currency).trimEnd() })}`}
            {plan.price_multiplier !== 1 && ` ${t("portal.plan.multiplier", { x: plan.price_multiplier })}`}
          </p>
          <Table label={t("portal.plan.limits")}>
            <thead>
              <tr>
                <th className={th}>{t("portal.plan.limit")}</th>
                <th className={`${th} text-right`}>{t("portal.plan.used")}</th>
                <th className={`${th} text-right`}>{t("portal.plan.allowed")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <td className={td}>{r.label}</td>
                  <td className={`${td} text-right tabular-nums`}>{r.used}</td>
                  <td className={`${td} text-right tabular-nums`}>{r.limit}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          <p className="mt-2 text-xs text-slate-500">
            {plan.models
              ? t("portal.plan.models", { models: plan.models.join(", ") })
              : t("portal.plan.allModels")}{" "}
            {t("portal.plan.resets", { at: formatTime(today.resets_at) })}
          </p>
        </>
      ) : (
        <p className="text-sm text-slate-600">
          {t("portal.plan.none", {
            requests: formatCount(today.requests),
            tokens: formatCount(today.tokens),
          })}
        </p>
      )}
    </Card>
  );
}
