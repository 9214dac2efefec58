import { useState } from "react";
import type { ProviderView } from "../../../server/admin/providers/model.ts";
import { useDeleteProvider, useProviders } from "../api/providers.ts";
import { ProviderDialog } from "../features/providers/provider-dialog.tsx";
import { TestConnection } from "../features/providers/test-connection.tsx";
import { Button } from "../ui/button.tsx";
import { DeleteButton } from "../ui/delete-button.tsx";
import { Badge, Card, PageHeader } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";

export function ProvidersPage() {
  const providers = useProviders();
  const remove = useDeleteProvider();
  const [editing, setEditing] = useState<ProviderView | "new" | null>(null);
  return (
    <>
      <PageHeader
        title="Providers"
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            Add provider
          </Button>
        }
      >
        Upstream APIs the gateway forwards to. Keys are stored encrypted and never shown again.
      </PageHeader>
      <QueryState query={providers}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty title="No providers yet.">Add one, then route models to it.</Empty>
          ) : (
            <div className="grid gap-4 md:grid-cols-2">
              {data.map((p) => (
                <Card
                  key={p.id}
                  title={
                    <span className="flex flex-wrap items-center gap-2">
                      {p.id}{" "}
                      <Badge tone={p.enabled ? "green" : "slate"}>{p.enabled ? "enabled" : "disabled"}</Badge>
                    </span>
                  }
                  actions={
                    <span className="flex gap-2">
                      <Button size="sm" onClick={() => setEditing(p)} aria-label={`Edit ${p.id}`}>
                        Edit
                      </Button>
                      <DeleteButton name={p.id} what="provider" mutation={remove}>
                        Models can no longer route to it; the gateway refuses while one still does. Past
                        requests keep its name.
                        {p.source === "config" &&
                          " It is declared in tollgate.yaml, so it comes back at the next start (or CLI command) unless you remove it there."}
                      </DeleteButton>
                    </span>
                  }
                >
                  <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
                    <dt className="text-slate-500">Kind</dt>
                    <dd>{p.kind}</dd>
                    <dt className="text-slate-500">Base URL</dt>
                    <dd className="break-all">{p.base_url}</dd>
                    <dt className="text-slate-500">API key</dt>
                    <dd className="font-mono" data-testid={`provider-key-${p.id}`}>
                      {p.api_key ?? "not set"}
                    </dd>
                    <dt className="text-slate-500">Timeouts</dt>
                    <dd>
                      {p.timeouts.connect_ms} / {p.timeouts.first_byte_ms} / {p.timeouts.total_ms} ms
                    </dd>
                    <dt className="text-slate-500">Source</dt>
                    <dd>{p.source === "config" ? "tollgate.yaml" : "admin"}</dd>
                  </dl>
                  <div className="mt-3">
                    <TestConnection id={p.id} />
                  </div>
                </Card>
              ))}
            </div>
          )
        }
      </QueryState>
      {editing && (
        <ProviderDialog provider={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      )}
    </>
  );
}
