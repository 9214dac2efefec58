import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useRequest } from "../api/requests.ts";
import { AttemptsTable } from "../features/requests/attempts-table.tsx";
import { StatusBadge } from "../features/requests/request-table.tsx";
import { formatCount, formatMs, formatTime } from "../ui/format.ts";
import { Card, PageHeader, Stat } from "../ui/layout.tsx";
import { QueryState } from "../ui/states.tsx";
import { useMoney } from "../ui/use-money.ts";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="break-all">{children}</dd>
    </>
  );
}

/** A key or account by name, linked; its id in small print (a deleted one shows only the id). */
function Named({ to, id, name }: { to: "keys" | "accounts"; id: string | null; name: string | null }) {
  if (!id) return <>—</>;
  return (
    <>
      <Link to={`/${to}/${id}`} className="font-medium text-indigo-700 hover:underline">
        {name ?? id}
      </Link>
      {name && <span className="ml-2 font-mono text-xs text-slate-500">{id}</span>}
    </>
  );
}

export function RequestDetailPage() {
  const { id = "" } = useParams();
  const request = useRequest(id);
  const money = useMoney();
  const { t } = useTranslation();
  const usage = (source: string) =>
    source === "upstream" || source === "estimated" || source === "none"
      ? t(`requests.detail.usage.${source}`)
      : source;
  return (
    <QueryState query={request}>
      {(r) => (
        <>
          <PageHeader
            title={
              <span className="flex flex-wrap items-center gap-2">
                {t("requests.detail.title")} <StatusBadge r={r} />
              </span>
            }
          >
            <span className="font-mono break-all">{r.id}</span> · {formatTime(r.created_at)}
          </PageHeader>
          <div className="space-y-6">
            <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
              <Stat
                label={t("requests.detail.latency")}
                value={formatMs(r.latency_ms)}
                testId="request-latency"
              />
              <Stat label={t("requests.detail.ttft")} value={formatMs(r.ttft_ms)} testId="request-ttft" />
              <Stat
                label={t("requests.detail.tokensIn")}
                value={formatCount(r.input_tokens)}
                hint={
                  r.cache_write_tokens > 0
                    ? t("requests.detail.cachedWritten", {
                        cached: formatCount(r.cached_tokens),
                        written: formatCount(r.cache_write_tokens),
                      })
                    : t("requests.detail.cached", { cached: formatCount(r.cached_tokens) })
                }
                testId="request-tokens-in"
              />
              <Stat
                label={t("requests.detail.tokensOut")}
                value={formatCount(r.output_tokens)}
                testId="request-tokens-out"
              />
              <Stat label={t("requests.detail.cost")} value={money(r.cost)} testId="request-cost" />
            </div>
            {r.error_message && (
              <div
                role="alert"
                className="rounded-lg bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200"
              >
                <p className="font-medium">{r.error_code ?? t("requests.detail.error")}</p>
                <p className="mt-1 break-words">{r.error_message}</p>
              </div>
            )}
            <Card title={t("requests.detail.details")}>
              <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm">
                <Row label={t("requests.detail.endpoint")}>{r.endpoint}</Row>
                <Row label={t("requests.detail.model")}>{r.model ?? "—"}</Row>
                <Row label={t("requests.detail.servedBy")}>
                  {r.provider ? `${r.provider} → ${r.upstream_model ?? "?"}` : "—"}
                </Row>
                <Row label={t("requests.detail.key")}>
                  <Named to="keys" id={r.key_id} name={r.key_name} />
                </Row>
                <Row label={t("requests.detail.account")}>
                  <Named to="accounts" id={r.account_id} name={r.account_name} />
                </Row>
                <Row label={t("requests.detail.streamed")}>
                  {r.stream ? t("requests.detail.yes") : t("requests.detail.no")}
                </Row>
                <Row label={t("requests.detail.usageFrom")}>{usage(r.usage_source)}</Row>
                {r.max_tokens_clamped !== null && (
                  <Row label={t("requests.detail.clamped")}>{formatCount(r.max_tokens_clamped)}</Row>
                )}
                {r.dropped_fields.length > 0 && (
                  <Row label={t("requests.detail.dropped")}>{r.dropped_fields.join(", ")}</Row>
                )}
              </dl>
            </Card>
            {r.attempts.length > 0 && (
              <Card title={t("requests.detail.attempts")}>
                <AttemptsTable attempts={r.attempts} model={r.model} />
              </Card>
            )}
          </div>
        </>
      )}
    </QueryState>
  );
}
