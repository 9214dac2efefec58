import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { RequestView } from "../../../../server/admin/requests/model.ts";
import { type RequestFilters, useRequests } from "../../api/requests.ts";
import { formatCount, formatMs } from "../../ui/format.ts";
import { Badge, Table, td, th } from "../../ui/layout.tsx";
import { Pager } from "../../ui/pager.tsx";
import { Empty, QueryState } from "../../ui/states.tsx";
import { TwoLineTime } from "../../ui/time.tsx";
import { useMoney } from "../../ui/use-money.ts";

export function StatusBadge({ r }: { r: Pick<RequestView, "status" | "outcome"> }) {
  const { t } = useTranslation();
  const tone = r.outcome === "ok" ? "green" : r.outcome === "client_closed" ? "amber" : "red";
  return (
    <Badge tone={tone}>
      {r.outcome === "client_closed" ? t("requests.table.closed", { status: r.status }) : r.status}
    </Badge>
  );
}

const PAGE = 25;

/** Which key made the request, and for which account: names, each a link. */
function Who({ r }: { r: RequestView }) {
  const { t } = useTranslation();
  if (!r.key_id) return <span className="text-slate-500">{t("requests.table.noKey")}</span>;
  return (
    <>
      <Link to={`/keys/${r.key_id}`} className="font-medium text-indigo-700 hover:underline">
        {r.key_name ?? r.key_id}
      </Link>
      {r.account_id && (
        <Link to={`/accounts/${r.account_id}`} className="block text-xs text-slate-600 hover:underline">
          {r.account_name ?? r.account_id}
        </Link>
      )}
    </>
  );
}

/**
 * The request log with the given filters, a page at a time. `showWho`: the key and account
 * column (a key's own page leaves it out).
 */
export function RequestTable({
  filters,
  offset,
  onOffset,
  showWho = true,
}: {
  filters: RequestFilters;
  offset: number;
  onOffset: (offset: number) => void;
  showWho?: boolean;
}) {
  const money = useMoney();
  const requests = useRequests(filters, offset, PAGE);
  const { t } = useTranslation();
  return (
    <QueryState query={requests}>
      {(page) =>
        page.data.length === 0 ? (
          <Empty title={t("requests.table.empty")}>
            {offset > 0 ? t("requests.table.emptyPage") : t("requests.table.emptyHint")}
          </Empty>
        ) : (
          <>
            <Table label={t("requests.table.label")}>
              <thead>
                <tr>
                  <th className={th}>{t("requests.table.time")}</th>
                  {showWho && <th className={`${th} hidden sm:table-cell`}>{t("requests.table.who")}</th>}
                  <th className={th}>{t("requests.table.model")}</th>
                  <th className={`${th} hidden sm:table-cell`}>{t("requests.table.status")}</th>
                  <th className={`${th} hidden text-right lg:table-cell`}>{t("requests.table.tokens")}</th>
                  <th className={`${th} text-right`}>{t("requests.table.cost")}</th>
                  <th className={`${th} hidden text-right md:table-cell`}>
                    <abbr title={t("requests.table.ttftTitle")} className="no-underline">
                      {t("requests.table.ttft")}
                    </abbr>{" "}
                    {t("requests.table.latency")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((r) => (
                  <tr key={r.id} data-testid="request-row">
                    <td className={`${td} whitespace-nowrap`}>
                      <Link to={`/requests/${r.id}`} className="text-indigo-700 hover:underline">
                        <TwoLineTime iso={r.created_at} />
                      </Link>
                    </td>
                    {showWho && (
                      <td className={`${td} hidden max-w-48 break-words sm:table-cell`}>
                        <Who r={r} />
                      </td>
                    )}
                    <td className={`${td} min-w-24 break-words`}>
                      {r.model ?? "—"}
                      {r.stream && (
                        <span className="ml-1 align-middle">
                          <Badge tone="slate">{t("requests.table.stream")}</Badge>
                        </span>
                      )}
                      {r.provider && (
                        <div className="text-xs break-words text-slate-500">
                          {r.provider} → {r.upstream_model}
                        </div>
                      )}
                      <div className="mt-1 space-y-1 sm:hidden">
                        <StatusBadge r={r} />
                        {showWho && (
                          <div className="text-xs">
                            <Who r={r} />
                          </div>
                        )}
                      </div>
                    </td>
                    <td className={`${td} hidden sm:table-cell`}>
                      <StatusBadge r={r} />
                      {r.error_code && (
                        <div className="mt-0.5 text-xs break-all text-slate-500">{r.error_code}</div>
                      )}
                    </td>
                    <td className={`${td} hidden text-right whitespace-nowrap tabular-nums lg:table-cell`}>
                      {formatCount(r.input_tokens)} / {formatCount(r.output_tokens)}
                    </td>
                    <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(r.cost)}</td>
                    <td className={`${td} hidden text-right whitespace-nowrap tabular-nums md:table-cell`}>
                      {r.stream ? formatMs(r.ttft_ms) : "—"}
                      <div className="text-xs text-slate-500">{formatMs(r.latency_ms)}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager
              label={t("requests.table.pages")}
              offset={offset}
              size={PAGE}
              shown={page.data.length}
              total={page.total}
              onOffset={onOffset}
            />
          </>
        )
      }
    </QueryState>
  );
}
