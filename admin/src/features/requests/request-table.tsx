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
  const tone = r.outcome === "ok" ? "green" : r.outcome === "client_closed" ? "amber" : "red";
  return <Badge tone={tone}>{r.outcome === "client_closed" ? `${r.status} closed` : r.status}</Badge>;
}

const PAGE = 25;

/** The request log with the given filters, a page at a time. */
export function RequestTable({
  filters,
  offset,
  onOffset,
}: {
  filters: RequestFilters;
  offset: number;
  onOffset: (offset: number) => void;
}) {
  const money = useMoney();
  const requests = useRequests(filters, offset, PAGE);
  return (
    <QueryState query={requests}>
      {(page) =>
        page.data.length === 0 ? (
          <Empty title="No requests match.">
            {offset > 0 ? "This page is empty." : "Requests appear here as clients call the gateway."}
          </Empty>
        ) : (
          <>
            <Table label="Requests">
              <thead>
                <tr>
                  <th className={th}>Time</th>
                  <th className={th}>Model</th>
                  <th className={`${th} hidden sm:table-cell`}>Status</th>
                  <th className={`${th} hidden text-right sm:table-cell`}>Tokens in / out</th>
                  <th className={`${th} text-right`}>Cost</th>
                  <th className={`${th} hidden text-right md:table-cell`}>Latency</th>
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
                    <td className={`${td} min-w-24 break-words`}>
                      {r.model ?? "—"}
                      <div className="mt-1 sm:hidden">
                        <StatusBadge r={r} />
                      </div>
                    </td>
                    <td className={`${td} hidden sm:table-cell`}>
                      <StatusBadge r={r} />
                    </td>
                    <td className={`${td} hidden text-right tabular-nums sm:table-cell`}>
                      {formatCount(r.input_tokens)} / {formatCount(r.output_tokens)}
                    </td>
                    <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(r.cost)}</td>
                    <td className={`${td} hidden text-right whitespace-nowrap tabular-nums md:table-cell`}>
                      {formatMs(r.latency_ms)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager
              label="Pages"
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
