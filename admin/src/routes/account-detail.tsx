import { useState } from "react";
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
            Account <span className="font-mono">{a.id}</span> · created {formatTime(a.created_at)}
          </PageHeader>
          <div className="space-y-6">
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
              <Stat label="Balance" value={money(a.balance)} testId="account-balance" />
              <Stat label="Used" value={money(a.used)} testId="account-used" />
              <Stat label="Reserved by requests in flight" value={money(a.reserved)} />
            </div>
            {a.status === "suspended" && (
              <p
                role="status"
                className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
              >
                This account is suspended: its keys are refused (403 account_suspended) until it is resumed.
              </p>
            )}
            <Card title="Top up">
              <TopupForm accountId={a.id} />
            </Card>
            <Card title="Refund or adjust">
              <CorrectionForm accountId={a.id} />
            </Card>
            <Card title="Low-balance alert">
              <ThresholdForm account={a} />
            </Card>
            <Card
              title="Keys"
              actions={
                <Button size="sm" variant="primary" onClick={() => setIssuing(true)}>
                  Issue key
                </Button>
              }
            >
              <QueryState query={keys}>
                {({ data }) =>
                  data.length === 0 ? (
                    <Empty title="No keys on this account." />
                  ) : (
                    <KeyTable keys={data} showAccount={false} />
                  )
                }
              </QueryState>
            </Card>
            <Card title="Ledger">
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
