import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ProviderView } from "../../../server/admin/providers/model.ts";
import { useDeleteProvider, useProviders } from "../api/providers.ts";
import { ProviderDialog } from "../features/providers/provider-dialog.tsx";
import { TestConnection } from "../features/providers/test-connection.tsx";
import { Button } from "../ui/button.tsx";
import { DeleteButton } from "../ui/delete-button.tsx";
import { formatCount } from "../ui/format.ts";
import { Badge, Card, PageHeader } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";

export function ProvidersPage() {
  const providers = useProviders();
  const remove = useDeleteProvider();
  const [editing, setEditing] = useState<ProviderView | "new" | null>(null);
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t("providers.title")}
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            {t("providers.add")}
          </Button>
        }
      >
        {t("providers.intro")}
      </PageHeader>
      <QueryState query={providers}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty title={t("providers.empty")}>{t("providers.emptyHint")}</Empty>
          ) : (
            <div className="grid gap-4 md:grid-cols-2">
              {data.map((p) => (
                <Card
                  key={p.id}
                  title={
                    <span className="flex flex-wrap items-center gap-2">
                      {p.id}{" "}
                      <Badge tone={p.enabled ? "green" : "slate"}>
                        {p.enabled ? t("common.enabledBadge") : t("common.disabledBadge")}
                      </Badge>
                    </span>
                  }
                  actions={
                    <span className="flex gap-2">
                      <Button
                        size="sm"
                        onClick={() => setEditing(p)}
                        aria-label={t("providers.editLabel", { id: p.id })}
                      >
                        {t("common.edit")}
                      </Button>
                      <DeleteButton name={p.id} what="provider" mutation={remove}>
                        {t("providers.deleteBody")}
                        {p.source === "config" && t("providers.deleteConfig")}
                      </DeleteButton>
                    </span>
                  }
                >
                  <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
                    <dt className="text-slate-500">{t("providers.kind")}</dt>
                    <dd>{p.kind}</dd>
                    <dt className="text-slate-500">{t("providers.baseUrl")}</dt>
                    <dd className="break-all">{p.base_url}</dd>
                    <dt className="text-slate-500">{t("providers.apiKey")}</dt>
                    <dd className="font-mono" data-testid={`provider-key-${p.id}`}>
                      {p.api_key ?? t("providers.notSet")}
                    </dd>
                    <dt className="text-slate-500">{t("providers.timeouts")}</dt>
                    <dd>
                      {t("providers.timeoutsValue", {
                        connect: formatCount(p.timeouts.connect_ms),
                        firstByte: formatCount(p.timeouts.first_byte_ms),
                        total: formatCount(p.timeouts.total_ms),
                      })}
                    </dd>
                    <dt className="text-slate-500">{t("providers.source")}</dt>
                    <dd>{p.source === "config" ? "tollgate.yaml" : t("providers.sourceAdmin")}</dd>
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
