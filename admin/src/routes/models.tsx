import { useState } from "react";
import type { ModelView } from "../../../server/admin/models/model.ts";
import { useDeleteModel, useModels, useToggleModel } from "../api/models.ts";
import { useSettings } from "../api/session.ts";
import { ModelDialog } from "../features/models/model-dialog.tsx";
import { Button } from "../ui/button.tsx";
import { DeleteButton } from "../ui/delete-button.tsx";
import { Badge, Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { Switch } from "../ui/switch.tsx";
import { useToast } from "../ui/toast.tsx";
import { useMoney } from "../ui/use-money.ts";

export function ModelsPage() {
  const models = useModels();
  const money = useMoney();
  const notify = useToast();
  const currency = useSettings().data?.currency ?? "";
  const [editing, setEditing] = useState<ModelView | "new" | null>(null);
  const remove = useDeleteModel();
  const toggle = useToggleModel((id, enabled, err) =>
    notify(
      "error",
      `Could not ${enabled ? "enable" : "disable"} ${id}; it is back as it was. ${err.message}`,
    ),
  );
  return (
    <>
      <PageHeader
        title="Models"
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            Add model
          </Button>
        }
      >
        Prices are per 1M tokens. A disabled model answers 404 to clients.
      </PageHeader>
      <Card>
        <QueryState query={models}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title="No models configured.">
                Add one here (route it to a provider), or declare them in tollgate.yaml.
              </Empty>
            ) : (
              <Table label="Models">
                <thead>
                  <tr>
                    <th className={th}>Enabled</th>
                    <th className={th}>Model</th>
                    <th className={`${th} hidden text-right sm:table-cell`}>Input / cached / output</th>
                    <th className={`${th} hidden md:table-cell`}>Routes</th>
                    <th className={th}>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((m) => (
                    <tr key={m.id} data-testid={`model-row-${m.id}`}>
                      <td className={td}>
                        <Switch
                          checked={m.enabled}
                          label={`${m.id} enabled`}
                          onChange={(enabled) => toggle.mutate({ id: m.id, enabled })}
                        />
                      </td>
                      <td className={`${td} min-w-28 font-medium break-words`}>
                        {m.id}
                        <div className="mt-0.5 flex gap-1">
                          {/* What it serves: chat, embeddings, image or video (declared, else inferred). */}
                          <span
                            title={
                              m.kind_source === "declared"
                                ? "declared kind"
                                : "kind inferred from prices and routes"
                            }
                          >
                            <Badge tone="slate">{m.kind}</Badge>
                          </span>
                          <span className="hidden sm:inline-flex">
                            <Badge tone="slate">{m.source}</Badge>
                          </span>
                        </div>
                        <div className="mt-1 text-xs font-normal text-slate-600 tabular-nums sm:hidden">
                          in {money(m.prices.input)}
                          <br />
                          cached {money(m.prices.cached_input)}
                          <br />
                          out {money(m.prices.output)}
                          {m.prices.cache_write !== null && (
                            <>
                              <br />
                              cache write {money(m.prices.cache_write)}
                            </>
                          )}
                        </div>
                      </td>
                      <td
                        className={`${td} hidden text-right text-xs whitespace-nowrap tabular-nums sm:table-cell`}
                      >
                        {money(m.prices.input)}
                        <br />
                        {money(m.prices.cached_input)}
                        <br />
                        {money(m.prices.output)}
                        {m.prices.cache_write !== null && (
                          <span className="block text-slate-500">
                            cache write {money(m.prices.cache_write)}
                            {m.prices.cache_write_1h !== null && ` (1 h ${money(m.prices.cache_write_1h)})`}
                          </span>
                        )}
                      </td>
                      <td className={`${td} hidden md:table-cell`}>
                        <ul className="space-y-0.5 text-xs">
                          {m.routes.map((r) => (
                            <li key={`${r.provider}/${r.model}`} className="break-all">
                              <span className="font-medium">{r.provider}</span> → {r.model}{" "}
                              <span className="text-slate-500">
                                (priority {r.priority}, weight {r.weight})
                              </span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td className={`${td} text-right`}>
                        <span className="inline-flex flex-wrap justify-end gap-2">
                          <Button size="sm" onClick={() => setEditing(m)} aria-label={`Edit ${m.id}`}>
                            Edit
                          </Button>
                          <DeleteButton name={m.id} what="model" mutation={remove}>
                            Clients get 404 for it at once (to pause it instead, switch it off). Past requests
                            keep its name in the log.
                            {m.source === "config" &&
                              " It is declared in tollgate.yaml, so it comes back at the next start (or CLI command) unless you remove it there."}
                          </DeleteButton>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )
          }
        </QueryState>
      </Card>
      {editing && (
        <ModelDialog
          model={editing === "new" ? null : editing}
          currency={currency}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
