import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useAccount } from "../api/accounts.ts";
import { useKeys } from "../api/keys.ts";
import {
  AccountStatus,
  SuspendAccountButton,
  ThresholdForm,
} from "../features/accounts/account-controls.tsx";
import { CorrectionForm } from "../features/accounts/correction-form.tsx";
import { LedgerDownload } from "../features/accounts/ledger-download.tsx";
import { LedgerTable } from "../features/accounts/ledger-table.tsx";
import { TopupForm } from "../features/accounts/topup-form.tsx";
import { AccountPlanCard } from "../features/identity/account-plan-card.tsx";
import { IssueKeyDialog } from "../features/keys/issue-key-dialog.tsx";
import { KeyTable } from "../features/keys/key-table.tsx";
import { Button } from "../ui/button.tsx";
import { formatTime } from "../ui/format.ts";
import { Card, PageHeader, Stat } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useMoney } from "../ui/use-money.ts";

export function AccountDetailPage() {
  const { id = "" } = useParams();
  const account = useAccount(id);
  const keys = useKeys(id);
  const money = useMoney();
  const [issuing, setIssuing] = useState(false);
  const { t } = useTranslation();
  return (
    <QueryState query={account}>
      {(a) => (
        <>
          <PageHeader
            title={
              <span className="flex flex-wrap items-center gap-2">
                {a.name} <AccountStatus account={a} />
              </span>
            }
            actions={<SuspendAccountButton account={a} />}
          >
            <Trans
              i18nKey="accounts.detail.header"
              values={{ id: a.id, created: formatTime(a.created_at) }}
              components={{ mono: <span className="font-mono" /> }}
            />
          </PageHeader>
          <div className="space-y-6">
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
              <Stat label={t("accounts.detail.balance")} value={money(a.balance)} testId="account-balance" />
              <Stat label={t("accounts.detail.used")} value={money(a.used)} testId="account-used" />
              <Stat label={t("accounts.detail.reserved")} value={money(a.reserved)} />
            </div>
            {a.status === "suspended" && (
              <p
                role="status"
                className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
              >
                {t("accounts.detail.suspended")}
              </p>
            )}
            <AccountPlanCard accountId={a.id} />
            <Card title={t("accounts.detail.topup")}>
              <TopupForm accountId={a.id} />
            </Card>
            <Card title={t("accounts.detail.correction")}>
              <CorrectionForm accountId={a.id} />
            </Card>
            <Card title={t("accounts.detail.lowBalance")}>
              <ThresholdForm account={a} />
            </Card>
            <Card
              title={t("accounts.detail.keys")}
              actions={
                <Button size="sm" variant="primary" onClick={() => setIssuing(true)}>
                  {t("accounts.detail.issue")}
                </Button>
              }
            >
              <QueryState query={keys}>
                {({ data }) =>
                  data.length === 0 ? (
                    <Empty title={t("accounts.detail.noKeys")} />
                  ) : (
                    <KeyTable keys={data} showAccount={false} />
                  )
                }
              </QueryState>
            </Card>
            <Card title={t("accounts.detail.ledger")}>
              <LedgerTable accountId={a.id} />
              <LedgerDownload accountId={a.id} />
            </Card>
          </div>
          <IssueKeyDialog open={issuing} onClose={() => setIssuing(false)} accountId={a.id} />
        </>
      )}
    </QueryState>
  );
}
