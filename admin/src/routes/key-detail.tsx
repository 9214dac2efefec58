import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import type { KeyUsage } from "../../../server/admin/keys/model.ts";
import { useAccount } from "../api/accounts.ts";
import { useKey, useKeyUsage } from "../api/keys.ts";
import { SeriesChart } from "../features/charts/series-chart.tsx";
import { EditLimitsDialog } from "../features/keys/edit-limits-dialog.tsx";
import { KeyStatus } from "../features/keys/key-status.tsx";
import { RevokeButton } from "../features/keys/revoke-button.tsx";
import { SpendBar } from "../features/keys/spend-bar.tsx";
import { SuspendButton } from "../features/keys/suspend-button.tsx";
import { RequestTable } from "../features/requests/request-table.tsx";
import { Button } from "../ui/button.tsx";
import { formatCount, formatShortDay, formatTime } from "../ui/format.ts";
import { Card, PageHeader, Stat } from "../ui/layout.tsx";
import { QueryState } from "../ui/states.tsx";
import { useMoney } from "../ui/use-money.ts";

/** The last 30 UTC days, zero-filled (the API lists only days with requests; a key's days are always UTC). */
function last30(daily: KeyUsage["daily"]) {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  return Array.from({ length: 30 }, (_, i) => {
    const day = new Date(today - (29 - i) * 86_400_000).toISOString().slice(0, 10);
    const d = byDay.get(day);
    return { day: formatShortDay(day), requests: d?.requests ?? 0, spend: d?.spend ?? 0 };
  });
}

export function KeyDetailPage() {
  const { id = "" } = useParams();
  const key = useKey(id);
  const usage = useKeyUsage(id);
  const account = useAccount(key.data?.account_id ?? "");
  const money = useMoney();
  const [editing, setEditing] = useState(false);
  const [offset, setOffset] = useState(0);
  const { t } = useTranslation();
  return (
    <QueryState query={key}>
      {(k) => (
        <>
          <PageHeader
            title={
              <span className="flex flex-wrap items-center gap-2">
                {k.name} <KeyStatus keyView={k} />
              </span>
            }
            actions={
              <>
                {k.status !== "revoked" && (
                  <Button onClick={() => setEditing(true)}>{t("keys.detail.editLimits")}</Button>
                )}
                <SuspendButton keyView={k} size="md" />
                <RevokeButton keyView={k} size="md" />
              </>
            }
          >
            <Trans
              i18nKey="keys.detail.header"
              values={{
                prefix: k.prefix,
                account: account.data?.name ?? k.account_id,
                created: formatTime(k.created_at),
                lastUsed: formatTime(k.last_used_at),
              }}
              components={{
                mono: <span className="font-mono" />,
                account: <Link to={`/accounts/${k.account_id}`} className="text-indigo-700 underline" />,
              }}
            />
          </PageHeader>
          <div className="space-y-6">
            <QueryState query={usage}>
              {(u) => (
                <>
                  <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
                    <Stat
                      label={t("keys.detail.requests")}
                      value={formatCount(u.requests)}
                      testId="key-requests"
                    />
                    <Stat label={t("keys.detail.spend")} value={money(u.spend)} testId="key-spend" />
                    <Stat
                      label={t("keys.detail.tokensIn")}
                      value={formatCount(u.input_tokens)}
                      hint={t("keys.detail.cached", { cached: formatCount(u.cached_tokens) })}
                      testId="key-tokens-in"
                    />
                    <Stat
                      label={t("keys.detail.tokensOut")}
                      value={formatCount(u.output_tokens)}
                      testId="key-tokens-out"
                    />
                    <Stat label={t("keys.detail.errors")} value={formatCount(u.errors)} testId="key-errors" />
                  </div>
                  <div className="grid gap-4 lg:grid-cols-2">
                    <Card title={t("keys.detail.spendPerDay")}>
                      <SeriesChart
                        label={t("keys.detail.spendChart")}
                        data={last30(u.daily)}
                        x="day"
                        kind="bar"
                        money={u.currency}
                        format={money}
                        series={[{ key: "spend", label: t("keys.detail.spend"), color: "#059669" }]}
                      />
                    </Card>
                    <Card title={t("keys.detail.requestsPerDay")}>
                      <SeriesChart
                        label={t("keys.detail.requestsChart")}
                        data={last30(u.daily)}
                        x="day"
                        kind="bar"
                        format={formatCount}
                        series={[{ key: "requests", label: t("keys.detail.requests"), color: "#4f46e5" }]}
                      />
                    </Card>
                  </div>
                </>
              )}
            </QueryState>
            <Card title={t("keys.detail.limits")}>
              <dl className="grid gap-3 text-sm sm:grid-cols-3">
                <Limit
                  label={t("keys.detail.rpm")}
                  value={k.rpm_limit === null ? t("keys.detail.deploymentDefault") : formatCount(k.rpm_limit)}
                />
                <Limit
                  label={t("keys.detail.daily")}
                  value={
                    k.daily_request_limit === null
                      ? t("keys.detail.noLimit")
                      : formatCount(k.daily_request_limit)
                  }
                />
                <div className="sm:col-span-3">
                  <dt className="text-xs text-slate-500">{t("keys.detail.spendLimit")}</dt>
                  <dd className="font-medium">
                    <SpendBar keyView={k} />
                    {k.limit_reached && (
                      <span className="text-xs font-normal text-slate-600">
                        {k.period_resets_at ? t("keys.detail.reachedPeriod") : t("keys.detail.reachedTotal")}
                      </span>
                    )}
                  </dd>
                </div>
                <Limit
                  label={t("keys.detail.models")}
                  value={k.models ? k.models.join(", ") : t("keys.detail.everyModel")}
                />
                <Limit
                  label={t("keys.detail.expires")}
                  value={k.expires_at ? formatTime(k.expires_at) : t("keys.detail.never")}
                />
              </dl>
            </Card>
            <Card title={t("keys.detail.requestsWithKey")}>
              <RequestTable filters={{ key_id: k.id }} offset={offset} onOffset={setOffset} showWho={false} />
            </Card>
          </div>
          {editing && <EditLimitsDialog keyView={k} open onClose={() => setEditing(false)} />}
        </>
      )}
    </QueryState>
  );
}

function Limit({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-medium break-words">{value}</dd>
    </div>
  );
}
