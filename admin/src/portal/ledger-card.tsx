import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type PortalSource, usePortalLedger } from "../api/portal.ts";
import { Badge, Card, Table, td, th } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";
import { Pager } from "../ui/pager.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { TwoLineTime } from "../ui/time.tsx";

const PAGE = 20;
const KINDS = ["topup", "charge", "refund", "adjustment", "fee"] as const;
const known = (k: string): k is (typeof KINDS)[number] => (KINDS as readonly string[]).includes(k);

/** Money in and out of the account, newest first. */
export function LedgerCard({
  source,
  accountId,
  currency,
}: {
  source: PortalSource;
  accountId: string;
  currency: string;
}) {
  const [offset, setOffset] = useState(0);
  const ledger = usePortalLedger(source, accountId, offset, PAGE);
  const { t } = useTranslation();
  const money = (n: number) => formatMoney(n, currency).trimEnd();
  return (
    <Card title={t("portal.ledger.title")}>
      <QueryState query={ledger}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title={t("portal.ledger.empty")} />
          ) : (
            <>
              <Table label={t("portal.ledger.title")}>
                <thead>
                  <tr>
                    <th className={th}>{t("portal.ledger.time")}</th>
                    <th className={th}>{t("portal.ledger.kind")}</th>
                    <th className={`${th} text-right`}>{t("portal.ledger.amount")}</th>
                    <th className={`${th} text-right`}>{t("portal.ledger.balanceAfter")}</th>
                    <th className={`${th} hidden md:table-cell`}>{t("portal.ledger.description")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((e) => (
                    <tr key={e.id} data-testid="portal-ledger-row">
                      <td className={`${td} whitespace-nowrap`}>
                        <TwoLineTime iso={e.created_at} />
                      </td>
                      <td className={td}>
                        <Badge tone={e.amount >= 0 ? "green" : "slate"}>
                          {known(e.kind) ? t(`portal.ledger.kinds.${e.kind}`) : e.kind}
                        </Badge>
                      </td>
                      <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(e.amount)}</td>
                      <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                        {money(e.balance_after)}
                      </td>
                      <td className={`${td} hidden md:table-cell`}>{e.description}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pager
                label={t("portal.ledger.pages")}
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
    </Card>
  );
}
