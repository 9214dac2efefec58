import { useState } from "react";
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
  return (
    <>
      <PageHeader
        title="API keys"
        actions={
          <Button variant="primary" onClick={() => setIssuing(true)}>
            Issue key
          </Button>
        }
      >
        Keys let clients call the gateway; each spends from its account's balance.
      </PageHeader>
      <Card>
        <div className="mb-3 max-w-48">
          <SelectField
            label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value as Status | "")}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </SelectField>
        </div>
        <QueryState query={keys}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title={status ? `No ${status} keys.` : "No keys yet."}>
                {status ? null : "Issue the first one above."}
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
