import { useState } from "react";
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
  const toggle = useToggleModel((id, enabled, err) =>
    notify(
      "error",
      t(enabled ? "models.toggleFailed_enable" : "models.toggleFailed_disable", { id, message: err.message }),
    ),
  );
  return (
    <>
      <PageHeader
        title={t("models.title")}
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            {t("models.add")}
          </Button>
        }
      >
        {t("models.intro", { currency })}
      </PageHeader>
      <Card>
        <QueryState query={models}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title={t("models.empty")}>{t("models.emptyHint")}</Empty>
            ) : (
              <Table label={t("models.table")}>
                <thead>
                  <tr>
                    <th className={th}>{t("models.enabled")}</th>
                    <th className={th}>{t("models.model")}</th>
                    <th className={`${th} hidden sm:table-cell`}>{t("models.pricePerMillion")}</th>
                    <th className={`${th} hidden md:table-cell`}>{t("models.routes")}</th>
                    <th className={th}>
                      <span className="sr-only">{t("models.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((m) => (
                    <tr key={m.id} data-testid={`model-row-${m.id}`}>
                      <td className={td}>
                        <Switch
                          checked={m.enabled}
                          label={t("models.enabledLabel", { id: m.id })}
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
                                ? t("models.kindDeclared")
                                : t("models.kindInferred")
                            }
                          >
                            <Badge tone="slate">{t(`models.kinds.${m.kind}`)}</Badge>
                          </span>
                          <span className="hidden sm:inline-flex">
                            <Badge tone="slate">{t(`models.source.${m.source}`)}</Badge>
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
                                {t("models.routeLine", { priority: r.priority, weight: r.weight })}
                              </span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td className={`${td} text-right`}>
                        <span className="inline-flex flex-wrap justify-end gap-2">
                          <Button
                            size="sm"
                            onClick={() => setEditing(m)}
                            aria-label={t("models.editLabel", { id: m.id })}
                          >
                            {t("common.edit")}
                          </Button>
                          <DeleteButton name={m.id} what="model" mutation={remove}>
                            {t("models.deleteBody")}
                            {m.source === "config" && t("models.deleteConfig")}
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
  const { t } = useTranslation();
  const rows: [string, number | null][] = [
    [t("models.priceNames.input"), prices.input],
    [t("models.priceNames.cached"), prices.cached_input],
    [t("models.priceNames.output"), prices.output],
    [t("models.priceNames.cacheWrite"), prices.cache_write],
    [t("models.priceNames.cacheWrite1h"), prices.cache_write_1h],
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
