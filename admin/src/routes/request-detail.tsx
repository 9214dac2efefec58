import type { ReactNode } from "react";
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
  return (
    <QueryState query={request}>
      {(r) => (
        <>
          <PageHeader
            title={
              <span className="flex flex-wrap items-center gap-2">
                Request <StatusBadge r={r} />
              </span>
            }
          >
            <span className="font-mono break-all">{r.id}</span> · {formatTime(r.created_at)}
          </PageHeader>
          <div className="space-y-6">
            <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
              <Stat label="Latency" value={formatMs(r.latency_ms)} testId="request-latency" />
              <Stat label="Time to first token" value={formatMs(r.ttft_ms)} testId="request-ttft" />
              <Stat
                label="Tokens in"
                value={formatCount(r.input_tokens)}
                hint={
                  r.cache_write_tokens > 0
                    ? `${formatCount(r.cached_tokens)} cached, ${formatCount(r.cache_write_tokens)} written to cache`
                    : `${formatCount(r.cached_tokens)} cached`
                }
                testId="request-tokens-in"
              />
              <Stat label="Tokens out" value={formatCount(r.output_tokens)} testId="request-tokens-out" />
              <Stat label="Cost" value={money(r.cost)} testId="request-cost" />
            </div>
            {r.error_message && (
              <div
                role="alert"
                className="rounded-lg bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200"
              >
                <p className="font-medium">{r.error_code ?? "error"}</p>
                <p className="mt-1 break-words">{r.error_message}</p>
              </div>
            )}
            <Card title="Details">
              <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm">
                <Row label="Endpoint">{r.endpoint}</Row>
                <Row label="Model">{r.model ?? "—"}</Row>
                <Row label="Served by">{r.provider ? `${r.provider} → ${r.upstream_model ?? "?"}` : "—"}</Row>
                <Row label="Key">
                  <Named to="keys" id={r.key_id} name={r.key_name} />
                </Row>
                <Row label="Account">
                  <Named to="accounts" id={r.account_id} name={r.account_name} />
                </Row>
                <Row label="Streamed">{r.stream ? "yes" : "no"}</Row>
                <Row label="Usage from">{r.usage_source}</Row>
                {r.max_tokens_clamped !== null && (
                  <Row label="max_tokens clamped to">{formatCount(r.max_tokens_clamped)}</Row>
                )}
                {r.dropped_fields.length > 0 && (
                  <Row label="Dropped fields">{r.dropped_fields.join(", ")}</Row>
                )}
              </dl>
            </Card>
            {r.attempts.length > 0 && (
              <Card title="Upstream attempts">
                <AttemptsTable attempts={r.attempts} model={r.model} />
              </Card>
            )}
          </div>
        </>
      )}
    </QueryState>
  );
}
