import { useState } from "react";
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
import { formatCount, formatTime } from "../ui/format.ts";
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
    return { day: day.slice(5), requests: d?.requests ?? 0, spend: d?.spend ?? 0 };
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
                {k.status !== "revoked" && <Button onClick={() => setEditing(true)}>Edit limits</Button>}
                <SuspendButton keyView={k} size="md" />
                <RevokeButton keyView={k} size="md" />
              </>
            }
          >
            <span className="font-mono">{k.prefix}…</span> · account{" "}
            <Link to={`/accounts/${k.account_id}`} className="text-indigo-700 underline">
              {account.data?.name ?? k.account_id}
            </Link>{" "}
            · created {formatTime(k.created_at)} · last used {formatTime(k.last_used_at)}
          </PageHeader>
          <div className="space-y-6">
            <QueryState query={usage}>
              {(u) => (
                <>
                  <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
                    <Stat label="Requests" value={formatCount(u.requests)} testId="key-requests" />
                    <Stat label="Spend" value={money(u.spend)} testId="key-spend" />
                    <Stat
                      label="Tokens in"
                      value={formatCount(u.input_tokens)}
                      hint={`${formatCount(u.cached_tokens)} cached`}
                      testId="key-tokens-in"
                    />
                    <Stat label="Tokens out" value={formatCount(u.output_tokens)} testId="key-tokens-out" />
                    <Stat label="Errors" value={formatCount(u.errors)} testId="key-errors" />
                  </div>
                  <div className="grid gap-4 lg:grid-cols-2">
                    <Card title="Spend per day (UTC)">
                      <SeriesChart
                        label="Key spend per day"
                        data={last30(u.daily)}
                        x="day"
                        kind="bar"
                        money={u.currency}
                        format={money}
                        series={[{ key: "spend", label: "Spend", color: "#059669" }]}
                      />
                    </Card>
                    <Card title="Requests per day (UTC)">
                      <SeriesChart
                        label="Key requests per day"
                        data={last30(u.daily)}
                        x="day"
                        kind="bar"
                        format={formatCount}
                        series={[{ key: "requests", label: "Requests", color: "#4f46e5" }]}
                      />
                    </Card>
                  </div>
                </>
              )}
            </QueryState>
            <Card title="Limits">
              <dl className="grid gap-3 text-sm sm:grid-cols-3">
                <Limit
                  label="Requests per minute"
                  value={k.rpm_limit === null ? "Deployment default" : formatCount(k.rpm_limit)}
                />
                <Limit
                  label="Requests per day"
                  value={k.daily_request_limit === null ? "No limit" : formatCount(k.daily_request_limit)}
                />
                <div className="sm:col-span-3">
                  <dt className="text-xs text-slate-500">Spend limit</dt>
                  <dd className="font-medium">
                    <SpendBar keyView={k} />
                    {k.limit_reached && (
                      <span className="text-xs font-normal text-slate-600">
                        {k.period_resets_at
                          ? "limit reached: refused until the period resets, or raise the limit"
                          : "limit reached: raise it to use this key again"}
                      </span>
                    )}
                  </dd>
                </div>
                <Limit label="Models" value={k.models ? k.models.join(", ") : "Every enabled model"} />
                <Limit label="Expires" value={k.expires_at ? formatTime(k.expires_at) : "Never"} />
              </dl>
            </Card>
            <Card title="Requests with this key">
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
