import { useState } from "react";
import { Link } from "react-router";
import { useLedger } from "../../api/accounts.ts";
import { SelectField } from "../../ui/field.tsx";
import { Badge, Table, td, th } from "../../ui/layout.tsx";
import { Pager } from "../../ui/pager.tsx";
import { Empty, QueryState } from "../../ui/states.tsx";
import { TwoLineTime } from "../../ui/time.tsx";
import { useMoney } from "../../ui/use-money.ts";

const PAGE = 20;

/** Which entries to show: money moved by hand apart from the one charge per request. */
const KINDS = [
  { value: "", label: "All entries" },
  { value: "topup,refund,adjustment", label: "Top-ups, refunds, adjustments" },
  { value: "topup", label: "Top-ups" },
  { value: "refund", label: "Refunds" },
  { value: "adjustment", label: "Adjustments" },
  { value: "charge", label: "Charges" },
];

export function LedgerTable({ accountId }: { accountId: string }) {
  const [offset, setOffset] = useState(0);
  const [kinds, setKinds] = useState("");
  const ledger = useLedger(accountId, offset, PAGE, kinds);
  const money = useMoney();
  return (
    <>
      <div className="mb-3 max-w-64">
        <SelectField
          label="Show"
          value={kinds}
          onChange={(e) => {
            setKinds(e.target.value);
            setOffset(0);
          }}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </SelectField>
      </div>
      <QueryState query={ledger}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title={kinds ? "No entries of this kind." : "No ledger entries yet."} />
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
    </>
  );
}
