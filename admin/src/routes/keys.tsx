import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useKeys } from "../api/keys.ts";
import { IssueKeyDialog } from "../features/keys/issue-key-dialog.tsx";
import { KeyTable } from "../features/keys/key-table.tsx";
import { Button } from "../ui/button.tsx";
import { SelectField } from "../ui/field.tsx";
import { Card, PageHeader } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";

const STATUSES = ["active", "suspended", "revoked", "expired"] as const;
type Status = (typeof STATUSES)[number];

export function KeysPage() {
  const [status, setStatus] = useState<Status | "">("");
  const keys = useKeys(undefined, status || undefined);
  const [issuing, setIssuing] = useState(false);
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t("keys.title")}
        actions={
          <Button variant="primary" onClick={() => setIssuing(true)}>
            {t("keys.issue")}
          </Button>
        }
      >
        {t("keys.intro")}
      </PageHeader>
      <Card>
        <div className="mb-3 max-w-48">
          <SelectField
            label={t("keys.status")}
            value={status}
            onChange={(e) => setStatus(e.target.value as Status | "")}
          >
            <option value="">{t("keys.anyStatus")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`keys.statuses.${s}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <QueryState query={keys}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title={status ? t(`keys.emptyStatus.${status}`) : t("keys.empty")}>
                {status ? null : t("keys.emptyHint")}
              </Empty>
            ) : (
              <KeyTable keys={data} />
            )
          }
        </QueryState>
      </Card>
      <IssueKeyDialog open={issuing} onClose={() => setIssuing(false)} />
    </>
  );
}
