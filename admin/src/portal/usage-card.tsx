import { useTranslation } from "react-i18next";
import { type PortalSource, usePortalUsage } from "../api/portal.ts";
import { SeriesChart } from "../features/charts/series-chart.tsx";
import { formatCount, formatShortDay } from "../ui/format.ts";
import { Card } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";
import { QueryState } from "../ui/states.tsx";

const DAYS = 30;
const DAY = 86_400_000;

/** The last 30 UTC days, days without traffic filled with zeros (the API leaves them out). */
function filled(daily: { day: string; requests: number; spend: number }[], now = Date.now()) {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const today = Math.floor(now / DAY) * DAY;
  return Array.from({ length: DAYS }, (_, i) => {
    const day = new Date(today - (DAYS - 1 - i) * DAY).toISOString().slice(0, 10);
    const d = byDay.get(day);
    return { day: formatShortDay(day), requests: d?.requests ?? 0, spend: d?.spend ?? 0 };
  });
}

/** Requests and spend per day of the account, the last 30 days. */
export function UsageCard({ source, accountId }: { source: PortalSource; accountId: string }) {
  const usage = usePortalUsage(source, accountId, DAYS);
  const { t } = useTranslation();
  return (
    <Card title={t("portal.usage.title")}>
      <QueryState query={usage}>
        {(u) => {
          const data = filled(u.daily);
          const money = (n: number) => formatMoney(n, u.currency).trimEnd();
          return (
            <div className="grid gap-4 lg:grid-cols-2">
              <div>
                <h3 className="mb-1 text-sm font-medium text-slate-600">{t("portal.usage.requests")}</h3>
                <SeriesChart
                  data={data}
                  x="day"
                  kind="bar"
                  label={t("portal.usage.requestsChart")}
                  format={(n) => formatCount(n)}
                  series={[{ key: "requests", label: t("portal.usage.requests"), color: "#4f46e5" }]}
                />
              </div>
              <div>
                <h3 className="mb-1 text-sm font-medium text-slate-600">{t("portal.usage.spend")}</h3>
                <SeriesChart
                  data={data}
                  x="day"
                  kind="bar"
                  money={u.currency}
                  label={t("portal.usage.spendChart")}
                  format={money}
                  series={[{ key: "spend", label: t("portal.usage.spend"), color: "#0d9488" }]}
                />
              </div>
            </div>
          );
        }}
      </QueryState>
    </Card>
  );
}
