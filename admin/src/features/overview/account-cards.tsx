import { Link } from "react-router";
import type { StatsView } from "../../../../server/admin/stats/model.ts";
import { formatCount } from "../../ui/format.ts";
import { Badge, Card, Table, td, th } from "../../ui/layout.tsx";
import { Empty } from "../../ui/states.tsx";
import { useMoney } from "../../ui/use-money.ts";

const link = "text-indigo-700 hover:underline";

/** Accounts below their own low-balance threshold, lowest balance first. */
export function LowAccounts({ rows }: { rows: StatsView["low_accounts"] }) {
  const money = useMoney();
  return (
    <Card title="Accounts running low">
      {rows.length === 0 ? (
        <Empty title="No account is below its threshold.">
          Set a low-balance threshold on an account's page to be warned here and by an alert.
        </Empty>
      ) : (
        <Table label="Accounts running low">
          <thead>
            <tr>
              <th className={th}>Account</th>
              <th className={`${th} text-right`}>Balance</th>
              <th className={`${th} text-right`}>Threshold</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.account_id}>
                <td className={td}>
                  <Link to={`/accounts/${a.account_id}`} className={link}>
                    {a.name}
                  </Link>{" "}
                  {a.status === "suspended" && <Badge tone="amber">suspended</Badge>}
                </td>
                <td className={`${td} text-right whitespace-nowrap text-red-700 tabular-nums`}>
                  {money(a.balance)}
                </td>
                <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(a.threshold)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

/** Spend per account over the Overview's period, most first. */
export function AccountSpend({ rows, days }: { rows: StatsView["accounts"]; days: number }) {
  const money = useMoney();
  return (
    <Card title={`Spend per account (${days} days)`}>
      {rows.length === 0 ? (
        <Empty title="No requests yet." />
      ) : (
        <Table label="Spend per account">
          <thead>
            <tr>
              <th className={th}>Account</th>
              <th className={`${th} text-right`}>Requests</th>
              <th className={`${th} text-right`}>Spend</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.account_id}>
                <td className={td}>
                  <Link to={`/accounts/${a.account_id}`} className={link}>
                    {a.name ?? a.account_id}
                  </Link>
                </td>
                <td className={`${td} text-right tabular-nums`}>{formatCount(a.requests)}</td>
                <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(a.spend)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
