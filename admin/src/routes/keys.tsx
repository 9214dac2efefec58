import { useState } from "react";
import { useKeys } from "../api/keys.ts";
import { IssueKeyDialog } from "../features/keys/issue-key-dialog.tsx";
import { KeyTable } from "../features/keys/key-table.tsx";
import { Button } from "../ui/button.tsx";
import { Card, PageHeader } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";

export function KeysPage() {
  const keys = useKeys();
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
        <QueryState query={keys}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title="No keys yet.">Issue the first one above.</Empty>
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
