import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type PortalSource, usePortalLedger } from "../api/portal.ts";
import { LedgerEntries } from "../features/accounts/ledger-entries.tsx";
import { Card } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";
import { Pager } from "../ui/pager.tsx";
import { Empty, QueryState } from "../ui/states.tsx";

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
              <LedgerEntries
                entries={page.data}
                money={money}
                kindLabel={(k) => (known(k) ? t(`portal.ledger.kinds.${k}`) : k)}
                details={(e) => e.description}
              />
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
