import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useAccounts } from "../api/accounts.ts";
import { CreateAccountDialog } from "../features/accounts/create-account-dialog.tsx";
import { Button } from "../ui/button.tsx";
import { formatCount } from "../ui/format.ts";
import { Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useMoney } from "../ui/use-money.ts";

export function AccountsPage() {
  const accounts = useAccounts();
  const money = useMoney();
  const [creating, setCreating] = useState(false);
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t("accounts.title")}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t("accounts.create")}
          </Button>
        }
      >
        {t("accounts.intro")}
      </PageHeader>
      <Card>
        <QueryState query={accounts}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title={t("accounts.empty")}>{t("accounts.emptyHint")}</Empty>
            ) : (
              <Table label={t("accounts.table")}>
                <thead>
                  <tr>
                    <th className={th}>{t("accounts.name")}</th>
                    <th className={`${th} text-right`}>{t("accounts.balance")}</th>
                    <th className={`${th} hidden text-right sm:table-cell`}>{t("accounts.used")}</th>
                    <th className={`${th} hidden text-right md:table-cell`}>{t("accounts.reserved")}</th>
                    <th className={`${th} hidden text-right sm:table-cell`}>{t("accounts.keys")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((a) => (
                    <tr key={a.id}>
                      <td className={td}>
                        <Link
                          to={`/accounts/${a.id}`}
                          className="font-medium text-indigo-700 hover:underline"
                        >
                          {a.name}
                        </Link>
                      </td>
                      <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                        {money(a.balance)}
                      </td>
                      <td className={`${td} hidden text-right whitespace-nowrap tabular-nums sm:table-cell`}>
                        {money(a.used)}
                      </td>
                      <td className={`${td} hidden text-right whitespace-nowrap tabular-nums md:table-cell`}>
                        {money(a.reserved)}
                      </td>
                      <td className={`${td} hidden text-right tabular-nums sm:table-cell`}>
                        {formatCount(a.keys)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )
          }
        </QueryState>
      </Card>
      <CreateAccountDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
