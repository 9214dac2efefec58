import { useState } from "react";
import { Link } from "react-router";
import { useLedger } from "../../api/accounts.ts";
import { Badge, Table, td, th } from "../../ui/layout.tsx";
import { Pager } from "../../ui/pager.tsx";
import { Empty, QueryState } from "../../ui/states.tsx";
import { TwoLineTime } from "../../ui/time.tsx";
import { useMoney } from "../../ui/use-money.ts";

const PAGE = 20;

export function LedgerTable({ accountId }: { accountId: string }) {
  const [offset, setOffset] = useState(0);
  const ledger = useLedger(accountId, offset, PAGE);
  const money = useMoney();
  return (
    <QueryState query={ledger}>
      {(page) =>
        page.data.length === 0 ? (
          <Empty title="No ledger entries yet." />
        ) : (
          <>
            <Table label="Ledger">
              <thead>
                <tr>
                  <th className={th}>Time</th>
                  <th className={th}>Kind</th>
                  <th className={`${th} text-right`}>Amount</th>
                  <th className={`${th} text-right`}>Balance after</th>
                  <th className={`${th} hidden md:table-cell`}>Description</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((e) => (
                  <tr key={e.id} data-testid="ledger-row">
                    <td className={`${td} whitespace-nowrap`}>
                      <TwoLineTime iso={e.created_at} />
                    </td>
                    <td className={td}>
                      <Badge tone={e.amount >= 0 ? "green" : "slate"}>{e.kind}</Badge>
                    </td>
                    <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(e.amount)}</td>
                    <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                      {money(e.balance_after)}
                    </td>
                    <td className={`${td} hidden md:table-cell`}>
                      {e.request_id ? (
                        <Link to={`/requests/${e.request_id}`} className="text-indigo-700 hover:underline">
                          {e.description || e.request_id}
                        </Link>
                      ) : (
                        e.description
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager
              label="Ledger pages"
              offset={offset}
              size={PAGE}
              shown={page.data.length}
              total={page.total}
              onOffset={setOffset}
            />
          </>
        )
      }
    </QueryState>
  );
}
