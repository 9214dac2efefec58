import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { StatsTotals } from "../../../server/admin/stats/model.ts";
import { useSetup } from "../api/setup.ts";
import { statsKeys, useStats } from "../api/stats.ts";
import { SeriesChart } from "../features/charts/series-chart.tsx";
import { AccountSpend, LowAccounts } from "../features/overview/account-cards.tsx";
import { SetupChecklist } from "../features/overview/setup-checklist.tsx";
import { formatCount, formatPercent, formatShortDay } from "../ui/format.ts";
import { Card, PageHeader, Stat, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { zoneLabel } from "../ui/time-zone.ts";
import { useMoney } from "../ui/use-money.ts";

function Totals({ title, totals, id }: { title: string; totals: StatsTotals; id: string }) {
  const money = useMoney();
  const { t } = useTranslation();
  return (
    <section aria-label={title}>
      <h2 className="mb-2 text-sm font-semibold text-slate-600">{title}</h2>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label={t("overview.requests")} value={formatCount(totals.requests)} testId={`${id}-requests`} />
        <Stat label={t("overview.spend")} value={money(totals.spend)} testId={`${id}-spend`} />
        <Stat
          label={t("overview.tokens")}
          value={`${formatCount(totals.input_tokens)} / ${formatCount(totals.output_tokens)}`}
          testId={`${id}-tokens`}
        />
        <Stat
          label={t("overview.errorRate")}
          value={formatPercent(totals.error_rate)}
          hint={t("overview.errors", { count: totals.errors, n: formatCount(totals.errors) })}
          testId={`${id}-errors`}
        />
      </div>
    </section>
  );
}

export function OverviewPage() {
  const stats = useStats(30);
  const setup = useSetup().data;
  const money = useMoney();
  const qc = useQueryClient();
  const { t } = useTranslation();
  // Requests split by outcome, errors in red, on the hourly and the daily chart alike.
  const outcomes = [
    { key: "ok", label: t("overview.succeeded"), color: "#4f46e5" },
    { key: "errors", label: t("overview.errorsSeries"), color: "#dc2626" },
  ];
  // The first request just arrived: show its totals now, not at the next 30 s refresh.
  const firstRequest = setup?.first_request;
  useEffect(() => {
    if (firstRequest) void qc.invalidateQueries({ queryKey: statsKeys.all });
  }, [firstRequest, qc]);
  return (
    <>
      <PageHeader title={t("overview.title")}>{t("overview.zone", { zone: zoneLabel() })}</PageHeader>
      {setup && !setup.done && (
        <div className="mb-6">
          <SetupChecklist setup={setup} />
        </div>
      )}
      <QueryState query={stats}>
        {(s) =>
          s.period.requests === 0 ? (
            <Empty title={t("overview.emptyTitle", { count: s.period.days })}>
              {t("overview.emptyHint")}
            </Empty>
          ) : (
            <div className="space-y-6">
              <Totals title={t("overview.today")} totals={s.today} id="today" />
              <Totals
                title={t("overview.lastDays", { count: s.period.days })}
                totals={s.period}
                id="period"
              />
              <div className="grid gap-4 *:min-w-0 lg:grid-cols-2">
                <Card title={t("overview.hourly")}>
                  <SeriesChart
                    label={t("overview.hourlyChart")}
                    data={s.hourly.map((h) => ({ ...h, ok: h.requests - h.errors }))}
                    x="hour"
                    kind="bar"
                    format={formatCount}
                    series={outcomes}
                  />
                </Card>
                <Card title={t("overview.spend30")}>
                  <SeriesChart
                    label={t("overview.spendChart")}
                    data={s.daily.map((d) => ({ ...d, day: formatShortDay(d.day) }))}
                    x="day"
                    kind="bar"
                    money={s.currency}
                    format={money}
                    series={[{ key: "spend", label: t("overview.spend"), color: "#059669" }]}
                  />
                </Card>
                <Card title={t("overview.requests30")}>
                  <SeriesChart
                    label={t("overview.requestsChart")}
                    data={s.daily.map((d) => ({
                      ...d,
                      ok: d.requests - d.errors,
                      day: formatShortDay(d.day),
                    }))}
                    x="day"
                    kind="bar"
                    format={formatCount}
                    series={outcomes}
                  />
                </Card>
                <Card title={t("overview.tokens30")}>
                  <SeriesChart
                    label={t("overview.tokensChart")}
                    data={s.daily.map((d) => ({ ...d, day: formatShortDay(d.day) }))}
                    x="day"
                    kind="bar"
                    format={formatCount}
                    series={[
                      { key: "input_tokens", label: t("overview.input"), color: "#0ea5e9" },
                      { key: "output_tokens", label: t("overview.output"), color: "#f59e0b" },
                    ]}
                  />
                </Card>
              </div>
              <div className="grid gap-4 *:min-w-0 lg:grid-cols-2">
                <LowAccounts rows={s.low_accounts} />
                <AccountSpend rows={s.accounts} days={s.period.days} />
              </div>
              <div className="grid gap-4 *:min-w-0 lg:grid-cols-2">
                <Card title={t("overview.topModels")}>
                  {s.top_models.length === 0 ? (
                    <Empty title={t("overview.noRequests")} />
                  ) : (
                    <Table label={t("overview.topModelsTable")}>
                      <thead>
                        <tr>
                          <th className={th}>{t("overview.model")}</th>
                          <th className={`${th} text-right`}>{t("overview.requests")}</th>
                          <th className={`${th} text-right`}>{t("overview.spend")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {s.top_models.map((m) => (
                          <tr key={m.model}>
                            <td className={`${td} break-all`}>{m.model}</td>
                            <td className={`${td} text-right tabular-nums`}>{formatCount(m.requests)}</td>
                            <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                              {money(m.spend)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </Card>
                <Card title={t("overview.topKeys")}>
                  {s.top_keys.length === 0 ? (
                    <Empty title={t("overview.noRequests")} />
                  ) : (
                    <Table label={t("overview.topKeysTable")}>
                      <thead>
                        <tr>
                          <th className={th}>{t("overview.key")}</th>
                          <th className={`${th} text-right`}>{t("overview.requests")}</th>
                          <th className={`${th} text-right`}>{t("overview.spend")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {s.top_keys.map((k) => (
                          <tr key={k.key_id}>
                            <td className={td}>
                              <Link to={`/keys/${k.key_id}`} className="text-indigo-700 hover:underline">
                                {k.name ?? k.key_id}
                              </Link>
                            </td>
                            <td className={`${td} text-right tabular-nums`}>{formatCount(k.requests)}</td>
                            <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                              {money(k.spend)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </Card>
              </div>
            </div>
          )
        }
      </QueryState>
    </>
  );
}
