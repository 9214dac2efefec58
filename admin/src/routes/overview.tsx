import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import type { StatsTotals } from "../../../server/admin/stats/model.ts";
import { useSetup } from "../api/setup.ts";
import { statsKeys, useStats } from "../api/stats.ts";
import { SeriesChart } from "../features/charts/series-chart.tsx";
import { AccountSpend, LowAccounts } from "../features/overview/account-cards.tsx";
import { SetupChecklist } from "../features/overview/setup-checklist.tsx";
import { formatCount, formatPercent } from "../ui/format.ts";
import { Card, PageHeader, Stat, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { zoneLabel } from "../ui/time-zone.ts";
import { useMoney } from "../ui/use-money.ts";

function Totals({ title, t, id }: { title: string; t: StatsTotals; id: string }) {
  const money = useMoney();
  return (
    <section aria-label={title}>
      <h2 className="mb-2 text-sm font-semibold text-slate-600">{title}</h2>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Requests" value={formatCount(t.requests)} testId={`${id}-requests`} />
        <Stat label="Spend" value={money(t.spend)} testId={`${id}-spend`} />
        <Stat
          label="Tokens in / out"
          value={`${formatCount(t.input_tokens)} / ${formatCount(t.output_tokens)}`}
          testId={`${id}-tokens`}
        />
        <Stat
          label="Error rate"
          value={formatPercent(t.error_rate)}
          hint={`${formatCount(t.errors)} errors`}
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
  // The first request just arrived: show its totals now, not at the next 30 s refresh.
  const firstRequest = setup?.first_request;
  useEffect(() => {
    if (firstRequest) void qc.invalidateQueries({ queryKey: statsKeys.all });
  }, [firstRequest, qc]);
  return (
    <>
      <PageHeader title="Overview">Days and hours are in {zoneLabel()}.</PageHeader>
      {setup && !setup.done && (
        <div className="mb-6">
          <SetupChecklist setup={setup} />
        </div>
      )}
      <QueryState query={stats}>
        {(s) =>
          s.period.requests === 0 ? (
            <Empty title={`No requests in the last ${s.period.days} days.`}>
              Totals, charts and the top models and keys appear here once clients call the gateway.
            </Empty>
          ) : (
            <div className="space-y-6">
              <Totals title="Today" t={s.today} id="today" />
              <Totals title={`Last ${s.period.days} days`} t={s.period} id="period" />
              <div className="grid gap-4 lg:grid-cols-2">
                <Card title="Requests today, by hour">
                  <SeriesChart
                    label="Requests and errors today by hour"
                    data={s.hourly.map((h) => ({ ...h, ok: h.requests - h.errors }))}
                    x="hour"
                    kind="bar"
                    format={formatCount}
                    series={[
                      { key: "ok", label: "Succeeded", color: "#4f46e5" },
                      { key: "errors", label: "Errors", color: "#dc2626" },
                    ]}
                  />
                </Card>
                <Card title="Spend, last 30 days">
                  <SeriesChart
                    label="Spend per day"
                    data={s.daily.map((d) => ({ ...d, day: d.day.slice(5) }))}
                    x="day"
                    kind="bar"
                    money={s.currency}
                    format={money}
                    series={[{ key: "spend", label: "Spend", color: "#059669" }]}
                  />
                </Card>
                <Card title="Requests, last 30 days">
                  <SeriesChart
                    label="Requests and errors per day"
                    data={s.daily.map((d) => ({ ...d, ok: d.requests - d.errors, day: d.day.slice(5) }))}
                    x="day"
                    kind="bar"
                    format={formatCount}
                    series={[
                      { key: "ok", label: "Succeeded", color: "#4f46e5" },
                      { key: "errors", label: "Errors", color: "#dc2626" },
                    ]}
                  />
                </Card>
                <Card title="Tokens, last 30 days">
                  <SeriesChart
                    label="Tokens per day"
                    data={s.daily.map((d) => ({ ...d, day: d.day.slice(5) }))}
                    x="day"
                    kind="bar"
                    format={formatCount}
                    series={[
                      { key: "input_tokens", label: "Input", color: "#0ea5e9" },
                      { key: "output_tokens", label: "Output", color: "#f59e0b" },
                    ]}
                  />
                </Card>
              </div>
              <div className="grid gap-4 lg:grid-cols-2">
                <LowAccounts rows={s.low_accounts} />
                <AccountSpend rows={s.accounts} days={s.period.days} />
              </div>
              <div className="grid gap-4 lg:grid-cols-2">
                <Card title="Top models (30 days)">
                  {s.top_models.length === 0 ? (
                    <Empty title="No requests yet." />
                  ) : (
                    <Table label="Top models">
                      <thead>
                        <tr>
                          <th className={th}>Model</th>
                          <th className={`${th} text-right`}>Requests</th>
                          <th className={`${th} text-right`}>Spend</th>
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
                <Card title="Top keys (30 days)">
                  {s.top_keys.length === 0 ? (
                    <Empty title="No requests yet." />
                  ) : (
                    <Table label="Top keys">
                      <thead>
                        <tr>
                          <th className={th}>Key</th>
                          <th className={`${th} text-right`}>Requests</th>
                          <th className={`${th} text-right`}>Spend</th>
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
