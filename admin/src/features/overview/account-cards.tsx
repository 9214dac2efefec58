import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
  return (
    <Card title={t("overview.low.title")}>
      {rows.length === 0 ? (
        <Empty title={t("overview.low.empty")}>{t("overview.low.emptyHint")}</Empty>
      ) : (
        <Table label={t("overview.low.title")}>
          <thead>
            <tr>
              <th className={th}>{t("overview.low.account")}</th>
              <th className={`${th} text-right`}>{t("overview.low.balance")}</th>
              <th className={`${th} text-right`}>{t("overview.low.threshold")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.account_id}>
                <td className={`${td} break-all`}>
                  <Link to={`/accounts/${a.account_id}`} className={link}>
                    {a.name}
                  </Link>{" "}
                  {a.status === "suspended" && <Badge tone="amber">{t("overview.low.suspended")}</Badge>}
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
  const { t } = useTranslation();
  return (
    <Card title={t("overview.perAccount.title", { count: days })}>
      {rows.length === 0 ? (
        <Empty title={t("overview.noRequests")} />
      ) : (
        <Table label={t("overview.perAccount.table")}>
          <thead>
            <tr>
              <th className={th}>{t("overview.perAccount.account")}</th>
              <th className={`${th} text-right`}>{t("overview.requests")}</th>
              <th className={`${th} text-right`}>{t("overview.spend")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.account_id}>
                <td className={`${td} break-all`}>
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
