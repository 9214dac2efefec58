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
        Prices are per 1M tokens, in {currency}. A disabled model answers 404 to clients.
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
                    <th className={`${th} hidden sm:table-cell`}>Price per 1M tokens</th>
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
                        <div className="mt-1 font-normal sm:hidden">
                          <Prices prices={m.prices} />
                        </div>
                      </td>
                      <td className={`${td} hidden sm:table-cell`}>
                        <Prices prices={m.prices} />
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

/** A model's token prices, each with its name: input, cached input, output, cache writes. */
function Prices({ prices }: { prices: ModelView["prices"] }) {
  const money = useMoney();
  const rows: [string, number | null][] = [
    ["input", prices.input],
    ["cached", prices.cached_input],
    ["output", prices.output],
    ["cache write", prices.cache_write],
    ["cache write 1 h", prices.cache_write_1h],
  ];
  return (
    <dl className="grid grid-cols-[auto_auto] justify-start gap-x-2 text-xs tabular-nums">
      {rows
        .filter(([, v]) => v !== null)
        .map(([label, v]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>{" "}
            <dd className="text-right whitespace-nowrap text-slate-800">{money(v!)}</dd>
          </div>
        ))}
    </dl>
  );
}
